-- moonswitch.sandbox: the globals a call script sees (docs/scripts.md#sandbox).
--
-- One base environment per generation of the scripts. It is read-only: a
-- call's own globals live in the call's _ENV (which reads through to the
-- base), a module's in the module's own table. The libraries are read-only
-- views, so no script can change string.format or table.insert for others.
--
-- Left out unless configuration grants them (scripts.trust): io, the rest of
-- os (execute, exit, remove, rename, getenv...), debug, package, dofile,
-- loadfile, binary chunks in load. os.time() and os.date() follow the loop's
-- clock (the virtual clock in flow tests).

local M = {}

local SAFE = {
  "assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen", "rawset",
  "select", "setmetatable", "getmetatable", "tonumber", "tostring", "type", "pcall", "xpcall",
  "_VERSION",
}

local function read_only(name, t)
  return setmetatable({}, {
    __index = t,
    __newindex = function() error(name .. " is read-only in call scripts", 2) end,
    __pairs = function() return next, t, nil end,
    __len = function() return #t end,
    __metatable = false,
  })
end

-- os.time and os.date of the runtime's state already read the loop's clock
-- (bindings/lua_clock.c).
local function sandbox_os()
  return { time = os.time, date = os.date, clock = os.clock, difftime = os.difftime }
end

local function collect(opt, ...)
  if opt == nil or opt == "count" or opt == "step" or opt == "isrunning" then
    return collectgarbage(opt, ...)
  end
  error("collectgarbage: only 'count', 'step' and 'isrunning' in call scripts", 2)
end

-- load(chunk [, name [, mode [, env]]]): text only, and the script's
-- environment rather than the real globals when env is not given.
local function make_load(base, binary)
  return function(chunk, name, mode, env)
    if not binary then mode = "t" end
    if env == nil then env = base end
    return load(chunk, name, mode, env)
  end
end

-- new{ trust = {io = true, ...}, require = function(name) ... end } -> base env
function M.new(opts)
  local trust = opts.trust or {}
  local b = {}
  for _, k in ipairs(SAFE) do b[k] = _G[k] end
  b.print = function(...) return require("moonswitch").log_info(...) end
  b.collectgarbage = collect
  for _, lib in ipairs { "string", "table", "math", "utf8", "coroutine" } do
    b[lib] = read_only(lib, _G[lib])
  end
  b.os = trust.os and os or read_only("os", sandbox_os())
  if trust.io then b.io = io end
  if trust.debug then b.debug = debug end
  if trust.package then b.package = package end
  if trust.loadfile then b.loadfile, b.dofile = loadfile, dofile end
  b.require = opts.require
  local base = setmetatable({}, {
    __index = b,
    __newindex = function(_, k)
      error("cannot set global '" .. tostring(k) .. "' here: globals are per call " ..
        "(set it in the call's script) or per module", 2)
    end,
    __metatable = false,
  })
  b.load = make_load(base, trust.binary_chunks)
  b._G = base
  return base
end

return M
