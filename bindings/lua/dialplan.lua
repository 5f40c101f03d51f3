-- moonswitch.dialplan: routing tables as data (docs/menus.md#dialplan).
--
--   local dialplan = require "moonswitch.dialplan"
--   return dialplan.new {
--     calendars = { office = { hours = { ["mon-fri"] = "09:00-17:00" } } },
--     { destination = "1000", run = "demo.menu" },
--     { destination = "^8(%d%d%d)$", run = "services.voicemail" },      -- captures: m[1]
--     { destination = "2000", closed = "office", play = "demo/closed" },
--     { destination = "0", transfer = "1000" },
--     default = { hangup = "UNALLOCATED_NUMBER" },
--   }
--
-- The first route whose every condition holds runs its one action. dialplan.new returns
-- the function the entry chunk returns; dialplan.compile returns the table of routes
-- with :find(call) (for tests and for code that routes by hand).

local calendar = require "moonswitch.calendar"

local M = {}
local Plan = {}
Plan.__index = Plan

local Fault = {}
local function fault(fmt, ...)
  error(setmetatable({ msg = string.format(fmt, ...) }, Fault), 0)
end

-- ---- matching ------------------------------------------------------------

-- Skips a set "[...]" starting at p[i] == "["; returns the index after it, or nil.
local function skip_set(p, i)
  local j = i + 1
  if p:sub(j, j) == "^" then j = j + 1 end
  repeat -- as Lua reads a set: the first character may be "]"
    if j > #p then return nil end
    local c = p:sub(j, j)
    j = j + (c == "%" and 2 or 1)
  until p:sub(j, j) == "]" or j > #p
  if j > #p then return nil end
  return j + 1
end

-- dialplan.pattern_error(p): why a Lua pattern is malformed, or nil. Lua itself only
-- notices while matching (string.find("", "^8(%d") does not raise), so the pattern is
-- read here: escapes, sets, %b, %f and balanced captures.
function M.pattern_error(p)
  local i, depth = 1, 0
  while i <= #p do
    local c = p:sub(i, i)
    if c == "%" then
      local n = p:sub(i + 1, i + 1)
      if n == "" then return "it ends with '%'" end
      if n == "b" then
        if i + 3 > #p then return "'%b' needs two characters" end
        i = i + 4
      elseif n == "f" then
        if p:sub(i + 2, i + 2) ~= "[" then return "'%f' needs a set '[...]'" end
        i = i + 2
      else
        i = i + 2
      end
    elseif c == "[" then
      i = skip_set(p, i)
      if not i then return "a set is missing its ']'" end
    elseif c == "(" then
      depth, i = depth + 1, i + 1
    elseif c == ")" then
      depth, i = depth - 1, i + 1
      if depth < 0 then return "a ')' closes no capture" end
    else
      i = i + 1
    end
  end
  if depth > 0 then return "a capture is not closed" end
  local ok, err = pcall(string.find, "", p)
  if not ok then return (tostring(err):gsub("^.-:%d+: ", "")) end
  return nil
end

local function check_pattern(p, where)
  local why = M.pattern_error(p)
  if why then fault("%s: bad pattern %q: %s", where, p, why) end
end

-- dialplan.match(spec, s): a string starting with "^" is a Lua pattern (its captures are
-- returned as a list), any other string must equal s, a list matches if any item does.
-- Returns the list of captures (empty for an equality) or nil.
function M.match(spec, s)
  if s == nil then return nil end
  if type(spec) == "table" then
    for _, item in ipairs(spec) do
      local caps = M.match(item, s)
      if caps then return caps end
    end
    return nil
  end
  if spec:sub(1, 1) ~= "^" then return spec == s and {} or nil end
  local r = table.pack(string.find(s, spec))
  if not r[1] then return nil end
  return { table.unpack(r, 3, r.n) }
end

local function check_matcher(v, where)
  if type(v) == "string" then
    if v:sub(1, 1) == "^" then check_pattern(v, where) end
    return v
  end
  if type(v) == "table" and #v > 0 then
    for i, item in ipairs(v) do check_matcher(item, where .. "[" .. i .. "]") end
    for k in pairs(v) do
      if math.type(k) ~= "integer" then fault("%s: a list of strings, not a map", where) end
    end
    return v
  end
  fault("%s: expected a string (\"^...\" for a Lua pattern) or a list of them", where)
end

-- Replaces %1..%9 in s with captures (%% is a percent sign).
local function expand(s, caps)
  return (s:gsub("%%([%d%%])", function(d)
    if d == "%" then return "%" end
    return caps[tonumber(d)] or ""
  end))
end

-- ---- definition ----------------------------------------------------------

local CONDITIONS = {
  destination = true, caller = true, caller_name = true, header = true, var = true, open = true,
  closed = true, when = true,
}
local ACTIONS = { "run", "menu", "transfer", "hangup", "play" }
local KNOWN = { name = true, set = true }
for k in pairs(CONDITIONS) do KNOWN[k] = true end
for _, k in ipairs(ACTIONS) do KNOWN[k] = true end

local HANGUP_CAUSES = { -- docs/lua-api.md, call:hangup
  NORMAL_CLEARING = true, UNALLOCATED_NUMBER = true, NO_ROUTE_DESTINATION = true, USER_BUSY = true,
  NO_ANSWER = true, SUBSCRIBER_ABSENT = true, NO_USER_RESPONSE = true, CALL_REJECTED = true,
  INCOMPATIBLE_DESTINATION = true, NORMAL_TEMPORARY_FAILURE = true, SERVICE_UNAVAILABLE = true,
}

local function check_map(v, where, what)
  if type(v) ~= "table" then
    fault("%s: expected a table { [%s] = string or pattern }", where, what)
  end
  for k, m in pairs(v) do
    if type(k) ~= "string" then fault("%s: keys are %s names", where, what) end
    check_matcher(m, string.format("%s[%q]", where, k))
  end
  return v
end

local function check_calendar(v, where, calendars)
  if calendar.is_calendar(v) then return v end
  if type(v) == "string" then
    local cal = calendars[v]
    if not cal then fault("%s: no calendar named %q in 'calendars'", where, v) end
    return cal
  end
  if type(v) == "table" then
    local ok, cal = pcall(calendar.new, v)
    if not ok then fault("%s: %s", where, tostring(cal)) end
    return cal
  end
  fault("%s: expected a calendar, a calendar's name or a calendar definition", where)
end

local function check_sounds(v, where)
  local t = type(v)
  if t ~= "string" and t ~= "table" then
    fault("%s: expected sounds (a name, {speak=}, a list)", where)
  end
  return v
end

local function check_action(r, route, where)
  local given
  for _, k in ipairs(ACTIONS) do
    if r[k] ~= nil then
      if given then fault("%s: has both '%s' and '%s': one action per route", where, given, k) end
      given = k
    end
  end
  if not given then fault("%s: no action (one of run, menu, transfer, hangup, play)", where) end
  local v = r[given]
  if given == "run" then
    if type(v) == "string" then
      if not v:match("^[%w_]+[%w_%.]*$") then
        fault("%s: run: %q is not a module name", where, v)
      end
    elseif type(v) ~= "function" then
      fault("%s: run: expected a module name (\"demo.menu\") or a function(call, m)", where)
    end
  elseif given == "menu" then
    local menu = require "moonswitch.menu"
    if type(v) == "table" and not menu.is_menu(v) then
      local ok, m = pcall(menu.new, v)
      if not ok then fault("%s: menu: %s", where, tostring(m)) end
      v = m
    elseif not menu.is_menu(v) and type(v) ~= "function" then
      fault("%s: menu: expected a menu, a menu definition or a function(call)", where)
    end
  elseif given == "transfer" then
    if type(v) ~= "string" and type(v) ~= "function" then
      fault("%s: transfer: expected a destination (\"%%1\" is the first capture) or a function",
        where)
    end
  elseif given == "hangup" then
    if v == true then v = "NORMAL_CLEARING" end
    if not HANGUP_CAUSES[v] then fault("%s: hangup: unknown cause %s", where, tostring(v)) end
  elseif given == "play" then
    check_sounds(v, where .. ": play")
  end
  route.action, route.value = given, v
end

local function check_route(r, i, calendars, label)
  local where = label or string.format("dialplan: route %d", i)
  if type(r) ~= "table" then fault("%s: expected a table", where) end
  if r.name ~= nil and type(r.name) ~= "string" then fault("%s: 'name' must be a string", where) end
  if r.name and not label then where = string.format("dialplan: route %d (%s)", i, r.name) end
  for k in pairs(r) do
    if not KNOWN[k] then fault("%s: unknown key '%s'", where, tostring(k)) end
  end
  local route = { name = r.name, index = i }
  for _, k in ipairs({ "destination", "caller", "caller_name" }) do
    if r[k] ~= nil then route[k] = check_matcher(r[k], where .. ": " .. k) end
  end
  if r.header ~= nil then route.header = check_map(r.header, where .. ": header", "header") end
  if r.var ~= nil then route.var = check_map(r.var, where .. ": var", "variable") end
  if r.open ~= nil then route.open = check_calendar(r.open, where .. ": open", calendars) end
  if r.closed ~= nil then
    route.closed = check_calendar(r.closed, where .. ": closed", calendars)
  end
  if r.when ~= nil and type(r.when) ~= "function" then
    fault("%s: 'when' must be a function(call, m) returning true or false", where)
  end
  route.when = r.when
  if r.set ~= nil then
    if type(r.set) ~= "table" then fault("%s: 'set' must be a table { variable = value }", where) end
    for k, v in pairs(r.set) do
      local tv = type(v)
      if type(k) ~= "string" or (tv ~= "string" and tv ~= "number" and tv ~= "boolean") then
        fault("%s: set: variable names are strings and values strings, numbers or booleans", where)
      end
    end
    route.set = r.set
  end
  check_action(r, route, where)
  if not route.name then
    route.name = type(route.value) == "string" and route.action == "run" and route.value
      or string.format("route %d", i)
  end
  return route
end

local PLAN_KEYS = { default = true, calendars = true, clock = true }

local function build(t)
  if type(t) ~= "table" then fault("dialplan: expected a table of routes") end
  for k in pairs(t) do
    if math.type(k) ~= "integer" and not PLAN_KEYS[k] then
      fault("dialplan: unknown key '%s' (routes are the list part; also default, calendars, clock)",
        tostring(k))
    end
  end
  local calendars = {}
  if t.calendars ~= nil then
    if type(t.calendars) ~= "table" then
      fault("dialplan: 'calendars' must be a table { name = calendar }")
    end
    for name, c in pairs(t.calendars) do
      if calendar.is_calendar(c) then
        calendars[name] = c
      else
        if type(c) ~= "table" then
          fault("dialplan: calendars[%q]: expected a calendar", tostring(name))
        end
        local def = {}
        for k, v in pairs(c) do def[k] = v end
        def.name = def.name or name
        local ok, cal = pcall(calendar.new, def)
        if not ok then fault("dialplan: calendars[%q]: %s", tostring(name), tostring(cal)) end
        calendars[name] = cal
      end
    end
  end
  if t.clock ~= nil and type(t.clock) ~= "function" then
    fault("dialplan: 'clock' must be a function(call) returning the time to route by")
  end
  local plan = setmetatable({ routes = {}, clock = t.clock, calendars = calendars }, Plan)
  for i, r in ipairs(t) do plan.routes[i] = check_route(r, i, calendars) end
  local default = t.default or { hangup = "UNALLOCATED_NUMBER" }
  if type(default) == "table" then
    for k in pairs(CONDITIONS) do
      if default[k] ~= nil then fault("dialplan: default: takes no condition ('%s')", k) end
    end
  end
  plan.default = check_route(default, #t + 1, calendars, "dialplan: default")
  plan.default.name = default.name or "default"
  return plan
end

-- dialplan.compile(routes) -> plan; raises at the caller's line for a malformed table.
function M.compile(t)
  local ok, plan = pcall(build, t)
  if ok then return plan end
  if getmetatable(plan) == Fault then error(plan.msg, 2) end
  error(plan, 0)
end

-- ---- routing -------------------------------------------------------------

-- The match of one route against a call, or nil: { [1..n] = destination captures,
-- caller = caller captures, route = name }.
local function try_route(plan, route, call)
  local m = { route = route.name, caller = {} }
  if route.destination then
    local caps = M.match(route.destination, call.destination)
    if not caps then return nil end
    table.move(caps, 1, #caps, 1, m)
  end
  if route.caller then
    local caps = M.match(route.caller, call.caller)
    if not caps then return nil end
    m.caller = caps
  end
  if route.caller_name and not M.match(route.caller_name, call.caller_name) then return nil end
  for h, spec in pairs(route.header or {}) do
    if not M.match(spec, call.vars["sip_h_" .. h]) then return nil end
  end
  for v, spec in pairs(route.var or {}) do
    if not M.match(spec, call.vars[v]) then return nil end
  end
  if route.open or route.closed then
    local now = plan.clock and plan.clock(call) or nil
    if route.open and not route.open:is_open(now) then return nil end
    if route.closed and route.closed:is_open(now) then return nil end
  end
  if route.when and not route.when(call, m) then return nil end
  return m
end

-- plan:find(call) -> route, match: the first route that matches (or the default). `call`
-- needs destination, caller, caller_name and vars: a plain table will do in tests.
function Plan:find(call)
  for _, route in ipairs(self.routes) do
    local m = try_route(self, route, call)
    if m then return route, m end
  end
  return self.default, { route = self.default.name, caller = {} }
end

local function append_var(call, name, item)
  local old = call.vars[name]
  call.vars[name] = old and (old .. ">" .. item) or item
end

local function run_module(call, name, m)
  local handler = require(name)
  local menu = require "moonswitch.menu"
  if menu.is_menu(handler) then return menu.run(call, handler) end
  if type(handler) ~= "function" then
    error(string.format("dialplan: module %q returned %s, not a function(call) or a menu", name,
      type(handler)), 0)
  end
  return handler(call, m)
end

-- Runs the route's action for the call.
function Plan:route(call)
  local route, m = self:find(call)
  call.vars.route = route.name
  append_var(call, "route_path", call.destination)
  for k, v in pairs(route.set or {}) do
    call.vars[k] = type(v) == "string" and expand(v, m) or v
  end
  local a, v = route.action, route.value
  if a == "run" then
    if type(v) == "string" then return run_module(call, v, m) end
    return v(call, m)
  elseif a == "menu" then
    return require("moonswitch.menu").run(call, v)
  elseif a == "transfer" then
    local dest = type(v) == "function" and v(call, m) or expand(v, m)
    return call:transfer(dest)
  elseif a == "hangup" then
    return call:hangup(v)
  elseif a == "play" then
    call:play(v)
    return call:hangup()
  end
end

-- dialplan.new(routes) -> function(call): what scripts/dialplan.lua returns.
function M.new(t)
  local ok, plan = pcall(build, t)
  if not ok then
    if getmetatable(plan) == Fault then error(plan.msg, 2) end
    error(plan, 0)
  end
  return function(call) return plan:route(call) end
end

return M
