-- moonswitch.menu: IVR menus as Lua tables (docs/menus.md).
--
--   local menu = require "moonswitch.menu"
--   local main = menu.new {
--     name = "main",
--     greeting = "demo/welcome", invalid = "demo/invalid", exit_sound = "demo/goodbye",
--     options = {
--       { key = "1", say = "sales", run = function(call)
--           call:play("demo/sales")
--           return "done"
--         end },
--       { key = "2", say = "support", menu = support_menu },
--       { key = "0", transfer = "operator", when = menu.when_open(office) },
--     },
--   }
--   main:run(call)   -- or menu.run(call, main)
--
-- A definition is checked when it is built: a malformed table raises at menu.new's line,
-- naming the menu and the key. Menu objects hold no call state (they are shared by the
-- calls of a loop); a run's state lives in the run. Caller input (digits, speech) is only
-- compared with the definition, never turned into paths or code.

local M = {}
local Menu = {}
Menu.__index = Menu
Menu.__name = "moonswitch.menu"

-- Steps: what happens after a choice (or max failures/timeouts).
local STEPS = { again = true, back = true, top = true, exit = true, done = true, hangup = true }
local STEP_LIST = '"again", "back", "top", "exit", "done", "hangup", a menu, { menu = m } or '
  .. "{ transfer = dest }"
local MAX_DEPTH = 32     -- nested sub-menus in one run
local MAX_PATH = 1000    -- characters of menu_path kept (the end of it)
local MAX_RESOLVE = 8    -- a menu function returning a menu function ...

-- Definition errors carry this marker so that new() raises them at the caller's line.
local Fault = {}
local function fault(fmt, ...)
  error(setmetatable({ msg = string.format(fmt, ...) }, Fault), 0)
end

-- ---- checking a definition -----------------------------------------------

local function check_int(v, default, lo, hi, where)
  if v == nil then return default end
  if math.type(v) ~= "integer" or v < lo or (hi and v > hi) then
    fault("%s must be an integer in %d..%s", where, lo, hi and tostring(hi) or "inf")
  end
  return v
end

local PLAY_KEYS = { sound = true, speak = true, tone = true, pause = true }

local function is_entry(t)
  for k in pairs(PLAY_KEYS) do
    if t[k] ~= nil then return true end
  end
  return false
end

-- Sounds: anything call:play takes (a name, {speak=}, {tone=}, a list) or a function of
-- the call returning one. `false` means none.
local function check_sounds(v, where)
  if v == nil or v == false or type(v) == "string" or type(v) == "function" then return v end
  if type(v) ~= "table" then
    fault("%s: expected a sound name, {speak=}, {tone=}, a list of them or a function(call)", where)
  end
  if is_entry(v) then return v end
  if #v == 0 then fault("%s: an empty list (use false for no sound)", where) end
  for i, item in ipairs(v) do
    if type(item) ~= "string" and not (type(item) == "table" and is_entry(item)) then
      fault("%s[%d]: expected a sound name, {sound=}, {speak=}, {tone=} or {pause=}", where, i)
    end
  end
  return v
end

local function check_keys(s, where, what)
  if type(s) ~= "string" or not s:match("^[%d%*#A-Da-d]+$") then
    fault("%s: %s must be keys of the keypad (0-9 * # A-D), got %s", where, what,
      type(s) == "string" and string.format("%q", s) or type(s))
  end
  return s:upper()
end

-- Spoken words: letters, digits, apostrophes and spaces; lower case, single spaces.
local function normalize(s)
  return (s:lower():gsub("%s+", " "):match("^ ?(.-) ?$"))
end

local function check_words(v, where)
  if type(v) == "string" then v = { v } end
  if type(v) ~= "table" or #v == 0 then
    fault("%s: expected a phrase or a list of phrases", where)
  end
  local out = {}
  for i, w in ipairs(v) do
    if type(w) ~= "string" or not w:match("^[%a%d' \t]+$") or not w:match("[%a%d]") then
      fault("%s[%d]: %s: a phrase is letters, digits, apostrophes and spaces", where, i,
        type(w) == "string" and string.format("%q", w) or type(w))
    end
    out[i] = normalize(w)
  end
  return out
end

-- "^8(%d%d%d)$": anchored at both ends whether or not it was written so.
local function anchor(p, where)
  if type(p) ~= "string" or p == "" then fault("%s: expected a Lua pattern string", where) end
  if p:sub(1, 1) ~= "^" then p = "^" .. p end
  if p:sub(-1) ~= "$" or p:sub(-2) == "%$" then p = p .. "$" end
  local why = require("moonswitch.dialplan").pattern_error(p)
  if why then fault("%s: bad pattern %q: %s", where, p, why) end
  return p
end

local function check_step(v, where, build)
  if type(v) == "string" then
    if not STEPS[v] then fault("%s: %q is not a step (%s)", where, v, STEP_LIST) end
    return v
  end
  if getmetatable(v) == Menu then return { menu = v } end
  if type(v) == "table" and v.transfer ~= nil then
    if type(v.transfer) ~= "string" and type(v.transfer) ~= "function" then
      fault("%s.transfer: expected a destination or a function(call)", where)
    end
    return { transfer = v.transfer }
  end
  if type(v) == "table" and v.menu ~= nil then return { menu = build(v.menu, where .. ".menu") } end
  fault("%s: expected %s", where, STEP_LIST)
end

local MENU_KEYS = {
  name = true, greeting = true, short_greeting = true, invalid = true, timeout_sound = true,
  exit_sound = true, transfer_sound = true, digit_len = true, timeout = true, inter_digit = true,
  terminators = true, max_failures = true, max_timeouts = true, on_max_failures = true,
  on_max_timeouts = true, confirm = true, options = true, speech = true,
}
local OPTION_KEYS = {
  key = true, pattern = true, say = true, when = true, confirm = true, announce = true,
  run = true, menu = true, go = true, transfer = true, play = true,
}
local ACTIONS = { "run", "menu", "go", "transfer", "play" }
local CONFIRM_KEYS = {
  prompt = true, key = true, yes = true, no = true, attempts = true, timeout = true,
}
local SPEECH_KEYS = { end_silence = true, max_speech = true, confidence = true }

local build_menu -- forward

-- A sub-menu target: a menu, a definition (built now) or a function(call) (called per visit).
local function check_target(v, where)
  if getmetatable(v) == Menu or type(v) == "function" then return v end
  if type(v) == "table" then return build_menu(v, where) end
  fault("%s: expected a menu, a menu definition or a function(call) returning one", where)
end

local function check_confirm(c, defaults, m, where)
  if c == nil or c == false then return nil end
  if c == true then
    if not defaults then
      fault("%s: true needs the menu's 'confirm' table (at least a prompt)", where)
    end
    return defaults
  end
  if type(c) ~= "table" then fault("%s: expected true or a table", where) end
  for k in pairs(c) do
    if not CONFIRM_KEYS[k] then fault("%s: unknown key '%s'", where, tostring(k)) end
  end
  local base = defaults or {}
  local out = {
    prompt = check_sounds(c.prompt, where .. ".prompt") or base.prompt,
    key = c.key and check_keys(c.key, where .. ".key", "the key") or base.key or "1",
    yes = c.yes and check_words(c.yes, where .. ".yes") or base.yes,
    no = c.no and check_words(c.no, where .. ".no") or base.no,
    attempts = check_int(c.attempts, base.attempts or 1, 1, 10, where .. ".attempts"),
    timeout = check_int(c.timeout, base.timeout or m.timeout, 0, nil, where .. ".timeout"),
  }
  if #out.key ~= 1 then fault("%s.key: one key", where) end
  if not out.prompt then fault("%s: needs a prompt (\"press 1 to confirm\")", where) end
  return out
end

local function check_option(o, i, m, where_menu, confirm_defaults)
  local where = string.format("%s: options[%d]", where_menu, i)
  if type(o) ~= "table" then fault("%s: expected a table", where) end
  for k in pairs(o) do
    if not OPTION_KEYS[k] then fault("%s: unknown key '%s'", where, tostring(k)) end
  end
  local opt = { index = i }
  if o.key ~= nil then opt.key = check_keys(o.key, where .. ".key", "a key") end
  if o.pattern ~= nil then opt.pattern = anchor(o.pattern, where .. ".pattern") end
  if o.say ~= nil then opt.words = check_words(o.say, where .. ".say") end
  if opt.key and opt.pattern then
    fault("%s: has both 'key' and 'pattern': one or the other", where)
  end
  if not (opt.key or opt.pattern or opt.words) then
    fault("%s: needs a 'key', a 'pattern' or words to 'say'", where)
  end
  if o.when ~= nil and type(o.when) ~= "function" then
    fault("%s.when: expected a function(call) returning true when the option is offered", where)
  end
  opt.when = o.when
  opt.announce = check_sounds(o.announce, where .. ".announce")
  opt.confirm = check_confirm(o.confirm, confirm_defaults, m, where .. ".confirm")
  for _, k in ipairs(ACTIONS) do
    if o[k] ~= nil then
      if opt.action then
        fault("%s: has both '%s' and '%s': one action per option", where, opt.action, k)
      end
      opt.action = k
    end
  end
  local a, v = opt.action, opt.action and o[opt.action]
  if not a then fault("%s: no action (one of run, menu, go, transfer, play)", where) end
  if a == "run" and type(v) ~= "function" then
    fault("%s.run: expected a function(call, choice)", where)
  elseif a == "menu" then
    v = check_target(v, where .. ".menu")
  elseif a == "go" and not (type(v) == "string" and STEPS[v]) then
    fault("%s.go: %s is not one of again, back, top, exit, done, hangup", where, tostring(v))
  elseif a == "transfer" and type(v) ~= "string" and type(v) ~= "function" then
    fault("%s.transfer: expected a destination (\"%%1\": the pattern's first capture) "
      .. "or a function", where)
  elseif a == "play" then
    check_sounds(v, where .. ".play")
  end
  opt.value = v
  opt.label = opt.key or (opt.words and opt.words[1]) or ("options[" .. i .. "]")
  return opt
end

-- A key or phrase may appear twice only if the earlier option has a 'when' (it may be hidden).
local function check_duplicates(options, where)
  local keys, words = {}, {}
  for _, o in ipairs(options) do
    if o.key then
      local prev = keys[o.key]
      if prev and not prev.when then
        fault("%s: options[%d].key: '%s' is already options[%d]'s (which has no 'when')", where,
          o.index, o.key, prev.index)
      end
      keys[o.key] = keys[o.key] or o
    end
    for _, w in ipairs(o.words or {}) do
      local prev = words[w]
      if prev and prev ~= o and not prev.when then
        fault("%s: options[%d].say: %q is already options[%d]'s (which has no 'when')", where,
          o.index, w, prev.index)
      end
      words[w] = words[w] or o
    end
  end
end

local function check_menu(def, where_outer)
  if type(def) ~= "table" then
    fault("%s: a menu definition must be a table", where_outer or "menu")
  end
  if type(def.name) ~= "string" or not def.name:match("^[%w_%-%.]+$") then
    fault("%smenu: 'name' is required: letters, digits, _ - and . (it goes into menu_path)",
      where_outer and (where_outer .. ": ") or "")
  end
  local where = string.format("menu '%s'", def.name)
  for k in pairs(def) do
    if not MENU_KEYS[k] then fault("%s: unknown key '%s'", where, tostring(k)) end
  end
  local m = setmetatable({ name = def.name }, Menu)
  for _, k in ipairs({ "greeting", "short_greeting", "invalid", "timeout_sound", "exit_sound",
    "transfer_sound" }) do
    m[k] = check_sounds(def[k], where .. ": " .. k)
  end
  m.timeout = check_int(def.timeout, 5000, 0, nil, where .. ": timeout")
  m.inter_digit = check_int(def.inter_digit, 3000, 0, nil, where .. ": inter_digit")
  m.max_failures = check_int(def.max_failures, 3, 1, nil, where .. ": max_failures")
  m.max_timeouts = check_int(def.max_timeouts, 3, 1, nil, where .. ": max_timeouts")
  for _, k in ipairs({ "on_max_failures", "on_max_timeouts" }) do
    local v = def[k]
    if type(v) == "function" then
      m[k] = v
    else
      m[k] = check_step(v == nil and "exit" or v, where .. ": " .. k, check_target)
    end
  end
  if def.speech ~= nil and def.speech ~= false then
    if type(def.speech) ~= "table" then fault("%s: speech: expected false or a table", where) end
    for k in pairs(def.speech) do
      if not SPEECH_KEYS[k] then
        fault("%s: speech: unknown key '%s' (end_silence, max_speech, confidence)", where,
          tostring(k))
      end
    end
  end
  m.speech = def.speech
  local confirm_defaults
  if def.confirm ~= nil then
    if type(def.confirm) ~= "table" then fault("%s: confirm: expected a table", where) end
    confirm_defaults = check_confirm(def.confirm, nil, m, where .. ": confirm")
  end
  if type(def.options) ~= "table" or #def.options == 0 then
    fault("%s: 'options' must be a non-empty list of options", where)
  end
  m.options = {}
  local longest, patterns = 0, false
  for i, o in ipairs(def.options) do
    local opt = check_option(o, i, m, where, confirm_defaults)
    m.options[i] = opt
    if opt.key then longest = math.max(longest, #opt.key) end
    if opt.pattern then patterns = true end
  end
  check_duplicates(m.options, where)
  if patterns and def.digit_len == nil then
    fault("%s: digit_len is required when an option has a pattern", where)
  end
  m.digit_len = check_int(def.digit_len, math.max(longest, 1), 1, 64, where .. ": digit_len")
  if longest > m.digit_len then
    fault("%s: digit_len is %d but a key has %d digits", where, m.digit_len, longest)
  end
  local term = def.terminators
  if term == nil then term = m.digit_len > 1 and "#" or "" end
  if term ~= "" then term = check_keys(term, where .. ": terminators", "terminators") end
  m.terminators = term
  for _, o in ipairs(m.options) do
    if o.key and term ~= "" and o.key:find("[" .. term:gsub("[%*#]", "%%%0") .. "]") then
      fault("%s: options[%d].key '%s' uses a terminator (terminators = %q)", where, o.index,
        o.key, term)
    end
  end
  return m
end

function build_menu(def, where)
  if getmetatable(def) == Menu then return def end
  return check_menu(def, where)
end

-- menu.new(def) -> menu. Sub-menus given as tables are built (and checked) too.
function M.new(def)
  local ok, m = pcall(check_menu, def)
  if ok then return m end
  if getmetatable(m) == Fault then error(m.msg, 2) end
  error(m, 0)
end

function M.is_menu(v)
  return getmetatable(v) == Menu
end

function Menu:__tostring()
  return "moonswitch.menu (" .. self.name .. ")"
end

-- ---- conditions ----------------------------------------------------------

-- when = menu.when_caller("^555") (a pattern), "5551234" (equal) or a list of them.
function M.when_caller(spec)
  local dialplan = require "moonswitch.dialplan"
  local items = type(spec) == "table" and spec or { spec }
  if #items == 0 then
    error("menu.when_caller: expected a number, a pattern or a list of them", 2)
  end
  for _, s in ipairs(items) do -- a bad pattern raises now, not mid-call
    if type(s) ~= "string" then
      error("menu.when_caller: expected a number, a pattern \"^...\" or a list of them", 2)
    end
    local why = s:sub(1, 1) == "^" and dialplan.pattern_error(s)
    if why then error(string.format("menu.when_caller: bad pattern %q: %s", s, why), 2) end
  end
  return function(call) return dialplan.match(spec, call.caller) ~= nil end
end

-- when = menu.when_open(calendar [, clock]): offered while the calendar is open.
-- clock(call) returns the time to use (default: now).
function M.when_open(cal, clock)
  if type(cal) ~= "table" or type(cal.is_open) ~= "function" then
    error("menu.when_open: expected a calendar", 2)
  end
  return function(call) return (cal:is_open(clock and clock(call) or nil)) end
end

function M.when_closed(cal, clock)
  if type(cal) ~= "table" or type(cal.is_open) ~= "function" then
    error("menu.when_closed: expected a calendar", 2)
  end
  return function(call) return not cal:is_open(clock and clock(call) or nil) end
end

-- ---- running -------------------------------------------------------------

-- One warning line in the server log. The C module is looked up when needed: pure tests
-- build and run menus in a state without it (with a stand-in call), and log nothing.
local function warn(st, msg)
  local ok, ms = pcall(require, "moonswitch")
  if ok and type(ms) == "table" and ms.log_warn then
    ms.log_warn(string.format("call %s: menu '%s': %s", st.call.id, st.menu.name, msg))
  end
end

local function fail(st, fmt, ...)
  error(string.format("menu '%s': " .. fmt, st.menu and st.menu.name or "?", ...), 0)
end

-- Appends the playlist entries of a sound value to out.
local function sounds_of(st, v, arg, out, depth)
  if v == nil or v == false then return out end
  local t = type(v)
  if t == "function" then
    if (depth or 0) > 2 then fail(st, "a sound function returned a function") end
    return sounds_of(st, v(st.call, arg), arg, out, (depth or 0) + 1)
  elseif t == "string" then
    out[#out + 1] = v
  elseif t == "table" and is_entry(v) then
    out[#out + 1] = v
  elseif t == "table" then
    for _, item in ipairs(v) do sounds_of(st, item, arg, out, depth) end
  else
    fail(st, "a sound function returned %s", t)
  end
  return out
end

-- Plays sounds; false when the caller hung up. A missing sound is logged, not fatal.
local function play(st, v, arg)
  local list = sounds_of(st, v, arg, {})
  if #list == 0 then return true end
  local ok, err, code = st.call:play(list)
  if ok then return true end
  if code == "EHANGUP" then return false end
  warn(st, tostring(err))
  return true
end

-- call:gather, falling back to digits when speech recognition is off or busy.
local function gather(st, opts)
  if opts.speech and st.no_speech then opts.speech = nil end
  local r, err, code = st.call:gather(opts)
  if not r and opts.speech and (code == "ENOSYS" or code == "EBUSY") then
    if code == "ENOSYS" then st.no_speech = true end
    if not st.warned[code] then
      st.warned[code] = true
      warn(st, tostring(err) .. "; taking digits only")
    end
    opts.speech = nil
    r, err, code = st.call:gather(opts)
  end
  if not r then fail(st, "%s", tostring(err)) end
  return r
end

-- A JSGF grammar of phrases, and the phrase -> value map. nil when there are none.
local function speech_setup(menu, pairs_list)
  if #pairs_list == 0 or menu.speech == false then return nil end
  local phrases, map = {}, {}
  for _, p in ipairs(pairs_list) do
    if map[p[1]] == nil then
      map[p[1]] = p[2]
      phrases[#phrases + 1] = p[1]
    end
  end
  local opts = { grammar = "#JSGF V1.0;\ngrammar menu;\npublic <choice> = "
    .. table.concat(phrases, " | ") .. ";\n" }
  for k, v in pairs(menu.speech or {}) do opts[k] = v end
  return { opts = opts, map = map }
end

local function visible_options(st, m)
  local list = {}
  for _, o in ipairs(m.options) do
    if not o.when or o.when(st.call) then list[#list + 1] = o end
  end
  return list
end

-- Whether more digits could still select something else: a longer key starts with the
-- entry, or a pattern might match a longer one.
local function extendable(visible, entry)
  for _, o in ipairs(visible) do
    if o.pattern then return true end
    if o.key and #o.key > #entry and o.key:sub(1, #entry) == entry then return true end
  end
  return false
end

local function find_option(visible, entry)
  for _, o in ipairs(visible) do
    if o.key == entry then return o, {} end
  end
  for _, o in ipairs(visible) do
    if o.pattern then
      local r = table.pack(string.find(entry, o.pattern))
      if r[1] then return o, { table.unpack(r, 3, r.n) } end
    end
  end
  return nil
end

-- One entry: "digits", entry | "speech", words | "timeout" | "nomatch" | "hangup".
-- The first digit (or speech) after the prompt within `timeout`; the next ones within
-- `inter_digit` each, until digit_len digits, a terminator, or nothing else could match.
local function read_entry(st, m, visible, prompt, flush, sp)
  local r = gather(st, { prompt = #prompt > 0 and prompt or nil, min = 0, max = 1,
    timeout = m.timeout, inter_digit = m.inter_digit, terminators = m.terminators,
    flush = flush, speech = sp and sp.opts })
  if r.reason == "hangup" then return "hangup" end
  if r.speech then return "speech", r.speech end
  if r.reason == "nomatch" then return "nomatch" end
  local entry = r.digits
  if entry == "" then return r.reason == "terminator" and "digits" or "timeout", "" end
  while #entry < m.digit_len and extendable(visible, entry) do
    r = gather(st, { min = 0, max = 1, timeout = m.inter_digit, inter_digit = m.inter_digit,
      terminators = m.terminators })
    if r.reason == "hangup" then return "hangup" end
    if r.digits == "" then break end
    entry = entry .. r.digits
  end
  return "digits", entry
end

-- invalid, timeout_sound, exit_sound and transfer_sound: the current menu's, else those of
-- the menus the caller came through (nearest first). false means none.
local function service_sound(st, key)
  if st.menu[key] ~= nil then return st.menu[key] end
  for i = #st.stack, 1, -1 do
    if st.stack[i][key] ~= nil then return st.stack[i][key] end
  end
  return nil
end

local function set_var(st, k, v)
  st.call.vars[k] = v
end

-- A visit to a menu node: recorded in menu_path (appended across runs and transfers).
local function enter(st, m)
  st.menu = m
  st.failures, st.timeouts = 0, 0
  local path = st.call.vars.menu_path
  path = path and (path .. ">" .. m.name) or m.name
  if #path > MAX_PATH then path = "..." .. path:sub(-(MAX_PATH - 3)) end
  set_var(st, "menu_path", path)
  set_var(st, "menu_last", m.name)
end

-- Resolves a sub-menu target (a menu, a definition, or a function of the call).
local function resolve(st, v)
  for _ = 1, MAX_RESOLVE do
    if getmetatable(v) == Menu then return v end
    if type(v) == "function" then
      v = v(st.call)
    elseif type(v) == "table" then
      local ok, m = pcall(check_menu, v)
      if ok then return m end
      error(getmetatable(m) == Fault and m.msg or m, 0)
    else
      fail(st, "a menu function returned %s, not a menu", type(v))
    end
  end
  fail(st, "menu functions nested too deep")
end

-- The step a run function (or an on_max_* function) returned.
local function runtime_step(st, s, value, default, where)
  if s == nil then return default end
  if type(s) == "string" and STEPS[s] then return s, value end
  if getmetatable(s) == Menu then return { menu = s } end
  if type(s) == "table" and (s.transfer ~= nil or s.menu ~= nil) then return s end
  fail(st, "%s returned %s: expected %s", where, tostring(s), STEP_LIST)
end

-- Asks to confirm a choice: true, false, or nil when the caller hung up.
local function confirm(st, o, choice)
  local c = o.confirm
  local answers = {}
  for _, w in ipairs(c.yes or {}) do answers[#answers + 1] = { w, true } end
  for _, w in ipairs(c.no or {}) do answers[#answers + 1] = { w, false } end
  local sp = speech_setup(st.menu, answers)
  for _ = 1, c.attempts do
    local prompt = sounds_of(st, c.prompt, choice, {})
    local r = gather(st, { prompt = #prompt > 0 and prompt or nil, min = 0, max = 1,
      timeout = c.timeout, terminators = "", flush = true, speech = sp and sp.opts })
    if r.reason == "hangup" then return nil end
    if r.speech then
      local v = sp.map[normalize(r.speech)]
      if v ~= nil then return v end
    elseif r.digits ~= "" then
      return r.digits == c.key
    end
  end
  return false
end

local function expand(s, caps)
  return (s:gsub("%%([%d%%])", function(d)
    if d == "%" then return "%" end
    return caps[tonumber(d)] or ""
  end))
end

-- The step an option leads to.
local function option_step(st, o, choice)
  local a, v = o.action, o.value
  if a == "go" then return v end
  if a == "menu" then return { menu = v } end
  if a == "transfer" then return { transfer = v } end
  if a == "play" then return play(st, v, choice) and "again" or "hungup" end
  local s, value = v(st.call, choice)
  return runtime_step(st, s, value, "again", string.format("options[%d].run", o.index))
end

local function record_choice(st, o, choice)
  set_var(st, "menu_choice", o.key or (o.pattern and choice.digits) or choice.speech)
  set_var(st, "menu_spoken", choice.speech)
end

local function count_failure(st, kind)
  local m = st.menu
  local is_timeout = kind == "timeout"
  local counter = is_timeout and "timeouts" or "failures"
  st[counter] = st[counter] + 1
  st.totals[counter] = st.totals[counter] + 1
  set_var(st, "menu_" .. counter, st.totals[counter])
  if st[counter] >= (is_timeout and m.max_timeouts or m.max_failures) then
    st.failures, st.timeouts = 0, 0
    local action = is_timeout and m.on_max_timeouts or m.on_max_failures
    if type(action) == "function" then
      local s, value = action(st.call, { menu = m.name, reason = "max_" .. counter })
      return runtime_step(st, s, value, "exit", "on_max_" .. counter)
    end
    return action
  end
  local sound = service_sound(st, "invalid")
  if is_timeout and service_sound(st, "timeout_sound") ~= nil then
    sound = service_sound(st, "timeout_sound")
  end
  return play(st, sound, { menu = m.name, reason = kind }) and "retry" or "hungup"
end

-- One presentation of the current menu and what the caller did: returns the next step.
local function turn(st, fresh, flush)
  local m = st.menu
  st.choice = nil
  local visible = visible_options(st, m)
  local ctx = { menu = m.name, first = fresh, failures = st.failures, timeouts = st.timeouts }
  local prompt = sounds_of(st, fresh and m.greeting or (m.short_greeting or m.greeting), ctx, {})
  local words = {}
  for _, o in ipairs(visible) do
    sounds_of(st, o.announce, ctx, prompt)
    for _, w in ipairs(o.words or {}) do words[#words + 1] = { w, o } end
  end
  local sp = speech_setup(m, words)
  local kind, value = read_entry(st, m, visible, prompt, flush, sp)
  if kind == "hangup" then return "hungup" end
  local o, caps
  if kind == "speech" then
    o, caps = sp and sp.map[normalize(value)], {}
  elseif kind == "digits" then
    o, caps = find_option(visible, value)
  end
  if not o then return count_failure(st, kind == "timeout" and "timeout" or "invalid") end
  st.failures, st.timeouts = 0, 0
  local choice = { menu = m.name, key = o.key, digits = kind == "digits" and value or "",
    speech = kind == "speech" and normalize(value) or nil, captures = caps, option = o.label }
  record_choice(st, o, choice)
  if o.confirm then
    local yes = confirm(st, o, choice)
    if yes == nil then return "hungup" end
    if not yes then return "again" end
  end
  st.choice = choice
  return option_step(st, o, choice)
end

local function finish(st, result, value)
  set_var(st, "menu_result", result)
  return result, value
end

local function transfer(st, dest)
  local choice = st.choice or { captures = {} }
  if type(dest) == "function" then dest = dest(st.call, choice) end
  if type(dest) ~= "string" then fail(st, "a transfer function returned %s", type(dest)) end
  dest = expand(dest, choice.captures or {})
  set_var(st, "menu_transfer", dest)
  finish(st, "transfer")
  if not play(st, service_sound(st, "transfer_sound"), choice) then return "hungup" end
  return st.call:transfer(dest) -- never returns: the dialplan runs again for dest
end

-- menu.run(call, menu) -> result, value: runs a menu until it is left. result is "exit"
-- (exit_sound played), "done" (value: what the function returned with it), "hangup"; a
-- transfer does not return. Sets call.vars menu_path, menu_last, menu_choice,
-- menu_spoken, menu_failures, menu_timeouts, menu_result (docs/menus.md).
function M.run(call, top)
  local st = { call = call, stack = {}, warned = {}, totals = { failures = 0, timeouts = 0 } }
  local m = resolve(st, top)
  st.top = m
  enter(st, m)
  local fresh, flush = true, false
  while true do
    local step, value = turn(st, fresh, flush)
    fresh, flush = false, false
    if step == "retry" then
      flush = true -- digits pressed during the invalid sound are dropped, as gather does
    elseif step == "again" then -- luacheck: ignore
    elseif step == "back" then
      local prev = table.remove(st.stack)
      if prev then
        enter(st, prev)
        fresh = true
      end
    elseif step == "top" then
      st.stack = {}
      enter(st, st.top)
      fresh = true
    elseif step == "exit" then
      if not play(st, service_sound(st, "exit_sound"), { menu = st.menu.name }) then
        return finish(st, "hangup")
      end
      return finish(st, "exit")
    elseif step == "done" then
      return finish(st, "done", value)
    elseif step == "hangup" then
      finish(st, "hangup")
      call:hangup()
      return "hangup"
    elseif step == "hungup" then
      return finish(st, "hangup")
    elseif step.menu ~= nil then
      if #st.stack >= MAX_DEPTH then fail(st, "more than %d nested menus", MAX_DEPTH) end
      local sub = resolve(st, step.menu)
      st.stack[#st.stack + 1] = st.menu
      enter(st, sub)
      fresh = true
    elseif step.transfer ~= nil then
      if transfer(st, step.transfer) == "hungup" then return "hangup" end
    end
  end
end

function Menu:run(call)
  return M.run(call, self)
end

return M
