-- Extensions that probe what a call script may and may not do.
local probe = require "probe"

local routes = {}

-- Every forbidden thing is tried; the outcome of each goes to a variable.
routes["sandbox"] = function(call)
  call:answer()
  local function try(name, f)
    local ok, e = pcall(f)
    call.vars[name] = ok and "allowed" or tostring(e):gsub("^.-:%d+: ", "")
  end
  try("io", function() return io.open("/etc/passwd") end)
  try("execute", function() return os.execute("true") end)
  try("exit", function() return os.exit(1) end)
  try("getenv", function() return os.getenv("HOME") end)
  try("debug", function() return debug.getinfo(1) end)
  try("loadfile", function() return loadfile("/etc/passwd") end)
  try("binary", function()
    local f, err = load(string.dump(function() return 1 end))
    if not f then error(err, 0) end
  end)
  try("set_G", function() _G.shared = 1 end)
  try("string_patch", function() string.upper = nil end)
  try("require_os", function() return require("os").execute end)
  call.vars.text_load = tostring(load("return 6 * 7")())
  call.vars.time_ok = tostring(os.time() == math.floor(require("moonswitch").epoch_ms() / 1000))
  call.vars.date = os.date("!%Y", 0)
  call.vars.probe = probe.hello()
end

routes["clock"] = function(call)
  call:answer()
  call.vars.now = os.date("%Y-%m-%d %H:%M")
  call:sleep(90000)
  call.vars.later = os.date("%H:%M:%S")
end

-- Per-call globals: this call sets one; the next call must not see it.
routes["global-set"] = function(call)
  call:answer()
  leaked = "yes"
  call.vars.seen = tostring(leaked)
end
routes["global-get"] = function(call)
  call:answer()
  call.vars.seen = tostring(leaked)
end

routes["transfer-a"] = function(call)
  call:answer()
  call.vars.first = call.destination
  call:transfer("transfer-b")
  call.vars.after = "not reached"
end
routes["transfer-b"] = function(call)
  call.vars.second = call.destination
  call:play("demo/sales")
end
routes["transfer-loop"] = function(call)
  call:answer()
  call:transfer("transfer-loop")
end
routes["transfer-bad"] = function(call)
  call:answer()
  local ok, e = pcall(call.transfer, call, "../etc")
  call.vars.bad = ok and "accepted" or "refused"
end

-- Caller input used as a sound name: digits, and a SIP header the caller controls.
routes["play-input"] = function(call)
  call:answer()
  local r = call:gather { max = 4, timeout = 2000, terminators = "" }
  local _, _, code1 = call:play("demo/" .. r.digits)
  local _, _, code2 = call:play(call.vars["sip_h_X-Prompt"])
  local _, _, code3 = call:play("/etc/passwd")
  call.vars.codes = table.concat({ tostring(code1), tostring(code2), tostring(code3) }, " ")
end

-- Runaway scripts (docs/budgets.md): each is stopped, and only its own call ends.
routes["spin"] = function(call)
  call:answer()
  call.vars.spinning = "yes"
  while true do end
end
routes["spin-pcall"] = function(call)
  call:answer()
  while true do
    pcall(function() while true do end end)
  end
end
routes["spin-xpcall"] = function(call)
  call:answer()
  xpcall(function() while true do end end, function() while true do end end)
  call.vars.after = "reached"
end
routes["hog"] = function(call)
  call:answer()
  local t = {}
  local ok = pcall(function()
    for i = 1, 1e9 do t[i] = string.rep("x", 100000) .. i end
  end)
  call.vars.caught = tostring(not ok)
  t = nil
  call:play("demo/goodbye") -- must not be reached: the memory budget stands
end
routes["busy-loop"] = function(call) -- a lot of work, but it yields: never stopped
  call:answer()
  local n = 0
  for _ = 1, 20 do
    for i = 1, 200000 do n = n + i % 7 end
    call:sleep(20)
  end
  call.vars.sum = tostring(n)
end

-- Script errors: the call goes to "oops" (scripts.on_error.transfer in conf.lua) once;
-- if that fails too, the apology prompt plays and the call ends.
routes["boom"] = function(call)
  call:answer()
  call.vars.before = "yes"
  local t = nil
  return t.field -- an error
end
routes["boom-twice"] = function(call)
  call:answer()
  call.vars.again = "yes"
  error("first failure")
end
routes["oops"] = function(call)
  call.vars.fallback = "yes"
  if call.vars.spinning then return call:play("demo/error") end
  if call.vars.again then error("the fallback fails too") end
  call:play("demo/goodbye")
end

return function(call)
  local route = routes[call.destination]
  if not route then return call:hangup("UNALLOCATED_NUMBER") end
  return route(call)
end
