-- moonswitch.testing: flow tests with simulated callers (docs/testing.md).
-- Test files call test(name, function(t) ... end); the runner (moonswitch
-- test) runs each test in a coroutine; waiting primitives suspend it while
-- the server runs, on a virtual clock in-process.

local core = require "moonswitch.testing.core"

local M = { tests = {} }

local Test = {}
Test.__index = Test
local Caller = {}
Caller.__index = Caller

local DEFAULT_WITHIN = 10000
local STOP = setmetatable({}, { __tostring = function() return "stopped" end })

-- Suspends the test until something changes or the clock reaches deadline.
local function pause(deadline)
  if core.wait(deadline) == "stop" then error(STOP, 0) end
end

-- ---- transcript ----------------------------------------------------------

local function describe(e)
  local k = e.kind
  if e.superseded then
    local d = describe({ kind = k, name = e.name, detail = e.detail, complete = e.complete })
    return d .. "  (superseded: speech was playing)"
  end
  if k == "prompt" and e.detail ~= "" and e.detail ~= "sound" then
    return string.format("heard   %s %q", e.detail, e.name)
  end
  if k == "prompt" then return "heard   " .. e.name end
  if k == "prompt_end" then
    return e.complete and ("end     " .. e.name) or ("cut     " .. e.name .. " (stopped before its end)")
  end
  if k == "pressed" then return "pressed " .. e.name .. " (" .. e.detail .. ")" end
  if k == "sent" then return "sent    " .. e.name end
  if k == "echo" then return "echo    (the caller hears itself)" end
  if k == "echo_end" then return "echo end" end
  if k == "hangup" and e.detail == "network" then
    return "failed  " .. e.name .. ": no answer from the server (is it running, at that address?)"
  end
  if k == "hangup" then
    local s = "hangup  " .. e.name .. " by " .. e.detail
    if e.status and e.status > 0 then s = s .. " (SIP " .. e.status .. ")" end
    return s
  end
  return k
end

function Caller:heard()
  local list = {}
  for i = 1, self._c:count() do list[i] = self._c:heard(i) end
  return list
end

-- Entries found late (over the wire: speech recognised in past audio) are inserted
-- where they happened: the place of the next entry to look at moves with them.
local function sync(c)
  c._next, c._seen = c._c:moves(c._next, c._seen)
end

function Caller:transcript()
  sync(self)
  local lines = {}
  for i, e in ipairs(self:heard()) do
    local mark = (i == self._next) and " >" or "  "
    lines[#lines + 1] = string.format("%s %8.3f s  %s", mark, (e.at - self._t0) / 1000, describe(e))
  end
  if #lines == 0 then lines[1] = "   (nothing)" end
  if #lines > 40 then -- the beginning and the end tell the story
    local head, tail = table.move(lines, 1, 10, 1, {}), table.move(lines, #lines - 24, #lines, 1, {})
    head[#head + 1] = string.format("   ... %d more lines ...", #lines - 35)
    lines = table.move(tail, 1, #tail, #head + 1, head)
  end
  return table.concat(lines, "\n")
end

function Test:fail(msg)
  local parts = { msg }
  for i, c in ipairs(self._callers) do
    parts[#parts + 1] = string.format("caller %d (dialled %s) heard, in order (now %.3f s):",
      i, c.destination, (core.now() - c._t0) / 1000)
    parts[#parts + 1] = c:transcript()
  end
  error(table.concat(parts, "\n"), 0)
end

-- ---- waiting -------------------------------------------------------------

local function wait_until(deadline)
  while core.now() < deadline do pause(deadline) end
end

-- Calls find() after every change until it returns a value; fails after `within` ms.
local function await(c, what, within, find)
  local deadline = core.now() + within
  while true do
    local r = find()
    if r ~= nil then return r end
    if core.now() >= deadline then
      c._t:fail(string.format("%s: nothing after %d ms", what, within))
    end
    pause(deadline)
  end
end

-- Scans the transcript from the cursor for an entry accepted by match(e),
-- which returns true (take it), nil (skip it) or a failure message. Superseded
-- entries are skipped. t_start: when the expectation began (default now).
local function scan(c, what, within, match, t_start)
  t_start = t_start or core.now()
  local e = await(c, what, within + c._grace, function()
    sync(c)
    local i = c._next
    while true do
      local e = c._c:heard(i)
      if not e then return nil end
      local m = not e.superseded and match(e) or nil
      if m == true then
        c._next = i + 1
        return e
      elseif type(m) == "string" then
        c._next = i
        c._t:fail(what .. ": " .. m)
      end
      i = i + 1
    end
  end)
  if e.at > t_start + within then -- recognised late is fine, happened late is not
    c._t:fail(string.format("%s: it came after %d ms, expected within %d ms", what,
      e.at - t_start, within))
  end
  return e
end

local function opts_within(opts)
  return (opts and opts.within) or DEFAULT_WITHIN
end

local function check_not_before(c, what, e, t_start, opts)
  if opts and opts.not_before and e.at - t_start < opts.not_before then
    c._t:fail(string.format("%s came after %d ms, expected not before %d ms", what,
      e.at - t_start, opts.not_before))
  end
end

-- ---- the caller ----------------------------------------------------------

function Caller:expect_answer(opts)
  local t_start = core.now()
  local e = scan(self, "expected the call to be answered", opts_within(opts), function(e)
    if e.kind == "answered" then return true end
    if e.kind == "hangup" then return "the call did not go through (" .. describe(e) .. ")" end
  end)
  check_not_before(self, "the answer", e, t_start, opts)
  return e
end

function Caller:expect_ringing(opts)
  return scan(self, "expected ringing", opts_within(opts), function(e)
    if e.kind == "ringing" then return true end
    if e.kind == "answered" or e.kind == "hangup" then return "got " .. describe(e) .. " first" end
  end)
end

-- The next prompt heard must be `name` (a sound name, or a list of names in order).
function Caller:expect_prompt(name, opts)
  if type(name) == "table" then
    local last
    for _, n in ipairs(name) do last = self:expect_prompt(n, opts) end
    return last
  end
  local t_start = core.now()
  local what = string.format("expected prompt %q", name)
  local e = scan(self, what, opts_within(opts), function(e)
    if e.kind == "prompt" then
      if e.name == name then return true end
      return string.format("heard %q instead", e.name)
    end
    if e.kind == "hangup" then return "the call ended first (" .. describe(e) .. ")" end
  end)
  check_not_before(self, what, e, t_start, opts)
  return e
end

local RENDER_LIMIT = 60000 -- ms a TTS text may take to render (over the wire)

-- Over the wire: waits until the text's audio is a known sound (rendered as the server
-- speaks it, then looked for in the last minute of audio). Returns the other name it is
-- heard under, if its audio is a known sound's. In-process: nothing to do.
local function known_speech(c, what, text, voice)
  local deadline = core.now() + RENDER_LIMIT
  while true do
    local state, alias = c._c:want_speech(text, voice)
    if state == "ready" then return alias end
    if state == nil then c._t:fail(string.format("%s: cannot recognise it: %s", what, alias)) end
    if core.now() >= deadline then
      c._t:fail(string.format("%s: not rendered after %d ms", what, RENDER_LIMIT))
    end
    pause(deadline)
  end
end

-- The next prompt heard must be speech of this text: in-process by identity; over the
-- wire by its audio, rendered with opts.voice (default "kal", as the server) as the server
-- renders it (docs/testing.md).
function Caller:expect_speech(text, opts)
  if type(text) ~= "string" then error("expect_speech: the text must be a string", 2) end
  local t_start = core.now()
  local what = string.format("expected speech %q", text)
  local alias = known_speech(self, what, text, opts and opts.voice)
  local e = scan(self, what, opts_within(opts), function(e)
    if e.kind == "prompt" then
      if (e.detail == "speech" and e.name == text) or e.name == alias then return true end
      return string.format("heard %s %q instead", e.detail ~= "" and e.detail or "sound", e.name)
    end
    if e.kind == "hangup" then return "the call ended first (" .. describe(e) .. ")" end
  end, t_start)
  check_not_before(self, what, e, t_start, opts)
  return e
end

-- The next prompt heard must be this tone (a name such as "busy" or a spec).
function Caller:expect_tone(spec, opts)
  local what = string.format("expected tone %q", spec)
  return scan(self, what, opts_within(opts), function(e)
    if e.kind == "prompt" then
      if e.detail == "tone" and e.name == spec then return true end
      return string.format("heard %s %q instead", e.detail, e.name)
    end
    if e.kind == "hangup" then return "the call ended first (" .. describe(e) .. ")" end
  end)
end

-- Waits for the current prompt to end; returns the event (e.complete: it played to its end).
-- With { complete = true } a prompt that was cut fails.
function Caller:expect_prompt_end(opts)
  local e = scan(self, "expected the prompt to end", opts_within(opts), function(e)
    if e.kind == "prompt_end" then
      return (e.complete or not (opts and opts.complete)) or "it was cut short"
    end
    if e.kind == "hangup" then return "the call ended first (" .. describe(e) .. ")" end
  end)
  return e
end

function Caller:expect_echo(opts)
  return scan(self, "expected the echo test", opts_within(opts), function(e)
    if e.kind == "echo" then return true end
    if e.kind == "hangup" then return "the call ended first (" .. describe(e) .. ")" end
  end)
end

function Caller:expect_hangup(opts)
  opts = opts or {}
  local t_start = core.now()
  local e = scan(self, "expected a hangup", opts_within(opts), function(e)
    if e.kind == "hangup" then return true end
  end)
  if opts.cause and e.name ~= opts.cause then
    self._t:fail(string.format("expected hangup cause %s, got %s", opts.cause, e.name))
  end
  if opts.by and e.detail ~= opts.by then
    self._t:fail(string.format("expected the %s to hang up, but the %s did", opts.by, e.detail))
  end
  if opts.status and e.status ~= opts.status then
    self._t:fail(string.format("expected SIP status %d, got %d", opts.status, e.status))
  end
  check_not_before(self, "the hangup", e, t_start, opts)
  return e
end

-- Presses digits one after another: RFC 4733 (default), "info" or "inband".
function Caller:press(digits, opts)
  opts = opts or {}
  local method = opts.method or "rfc4733"
  local duration = opts.duration or 100
  local gap = opts.gap or 100
  for d in tostring(digits):gmatch(".") do
    self._c:press(d, method, duration)
    wait_until(core.now() + duration + gap)
  end
end

function Caller:wait(ms)
  wait_until(core.now() + ms)
end

-- Nothing audible for `ms` milliseconds from now.
function Caller:expect_silence(ms)
  local from = core.now()
  wait_until(from + ms)
  local _, _, last_sound = self._c:state()
  if last_sound > from + 20 then
    self._t:fail(string.format("expected %d ms of silence, heard sound %.3f s in", ms,
      (last_sound - from) / 1000))
  end
end

-- Sends a sound file as the caller's voice and waits until it has been sent.
function Caller:send_file(path)
  local ms = self._c:send_file(path)
  wait_until(core.now() + ms)
end

-- Speaks text (flite) as the caller's voice and waits until it has been said.
function Caller:say(text)
  local ms = self._c:say(text)
  wait_until(core.now() + ms)
end

-- Sends a tone (a name such as "busy" or a spec, media/tone_spec.h) for ms, and waits.
function Caller:send_tone(spec, ms)
  local sent = self._c:send_tone(spec, ms)
  wait_until(core.now() + sent)
end

function Caller:hangup()
  self._c:hangup()
end

-- In-process only: a channel variable of the call as the script set it.
function Caller:var(name)
  return self._c:var(name)
end

function Caller:expect_var(name, value)
  local v = self._c:var(name)
  if v ~= value then
    self._t:fail(string.format("expected variable %s = %q, got %s", name, tostring(value),
      v and string.format("%q", v) or "nil"))
  end
end

-- ---- the test ------------------------------------------------------------

function Test:dial(destination, opts)
  local c = setmetatable({
    _c = core.dial(destination, opts),
    _t = self,
    _next = 1,
    _seen = 0,
    _t0 = core.now(),
    destination = destination,
  }, Caller)
  c._grace = c._c:grace()
  c.id = c._c:id()
  self._callers[#self._callers + 1] = c
  return c
end

function Test:now() return core.now() - self._t0 end
Test.mode = core.mode -- "inprocess" or "wire": for the few mode-specific assertions
function Test:wait(ms) wait_until(core.now() + ms) end
function Test:expect(cond, msg) if not cond then self:fail(msg or "expectation failed") end end

-- Rows of the server's database (CDRs today; voicemail and queues later).
function Test:query(sql, ...)
  return core.query(sql, ...)
end

-- A JSON object of strings (the CDR's vars column, as the server writes it) into a table.
local escapes = { n = "\n", t = "\t", r = "\r", b = "\b", f = "\f" }
local function decode_vars(s)
  local out = {}
  if type(s) ~= "string" then return out end
  local i
  local function str() -- s[i] is the opening quote
    local buf = {}
    i = i + 1
    while i <= #s do
      local ch = s:sub(i, i)
      if ch == '"' then
        i = i + 1
        break
      elseif ch == "\\" then
        local n = s:sub(i + 1, i + 1)
        if n == "u" then
          buf[#buf + 1] = utf8.char(tonumber(s:sub(i + 2, i + 5), 16))
          i = i + 6
        else
          buf[#buf + 1] = escapes[n] or n
          i = i + 2
        end
      else
        buf[#buf + 1] = ch
        i = i + 1
      end
    end
    return table.concat(buf)
  end
  i = s:find('"', 1, true)
  while i do
    local k = str()
    i = s:find('"', i, true)
    if not i then break end
    out[k] = str()
    i = s:find('"', i, true)
  end
  return out
end

-- The CDR of a call of this test (the last one dialled by default), once written.
function Test:cdr(caller)
  caller = caller or self._callers[#self._callers]
  if not caller then self:fail("cdr: this test has not dialled") end
  await(caller, "expected the call's CDR", 60000, function()
    local _, done = caller._c:state()
    return done or nil
  end)
  -- in-process the row is there once the call is done; a remote server writes it a little later
  local key = core.mode == "wire" and caller._c:sip_call_id() or caller.id
  local row = core.cdr(key)
  local deadline = core.now() + 5000
  while not row and core.now() < deadline do
    wait_until(core.now() + 100)
    row = core.cdr(key)
  end
  if not row then self:fail("no CDR row for call " .. key) end
  row.vars = decode_vars(row.vars)
  return row
end

function Test:expect_cdr(want, caller)
  local row = self:cdr(caller)
  for k, v in pairs(want) do
    if k == "vars" then
      for vk, vv in pairs(v) do
        if row.vars[vk] ~= tostring(vv) then
          self:fail(string.format("CDR vars.%s: expected %q, got %s", vk, tostring(vv),
            row.vars[vk] and string.format("%q", row.vars[vk]) or "nil"))
        end
      end
    elseif k == "answered" then
      if (row.answer_ms ~= nil) ~= v then
        self:fail("CDR: expected the call " .. (v and "answered" or "not answered"))
      end
    elseif row[k] ~= v then
      self:fail(string.format("CDR %s: expected %s, got %s", k, tostring(v), tostring(row[k])))
    end
  end
  return row
end

-- ---- used by the runner --------------------------------------------------

function M.register(file)
  return function(name, fn)
    if type(name) ~= "string" or type(fn) ~= "function" then
      error("usage: test(name, function(t) ... end)", 2)
    end
    M.tests[#M.tests + 1] = { name = name, fn = fn, file = file }
  end
end

function M.take()
  local list = M.tests
  M.tests = {}
  return list
end

-- Runs one test; returns ok, message, call time in ms.
function M.run(test)
  local t = setmetatable({ _callers = {}, _t0 = core.now(), name = test.name }, Test)
  local ok, err = pcall(test.fn, t)
  if not ok and err == STOP then
    err = select(2, pcall(t.fail, t, "stopped: the test did not end within its limit"))
  elseif not ok and type(err) ~= "string" then
    err = tostring(err)
  end
  -- leave nothing behind: hang up what is still up and wait for every CDR
  for _, c in ipairs(t._callers) do c._c:hangup() end
  local clean, cerr = pcall(function()
    for _, c in ipairs(t._callers) do
      await(c, "cleanup", 60000, function()
        local _, done = c._c:state()
        return done or nil
      end)
    end
  end)
  if ok and not clean then ok, err = false, tostring(cerr) end
  return ok, err, core.now() - t._t0
end

return M
