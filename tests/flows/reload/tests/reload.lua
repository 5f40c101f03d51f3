-- Hot reload through the simulated caller: generations, broken saves, and leaks under load
-- (docs/scripts.md#reload). In-process: the tests write the scripts and reload them.
local scripts = require "moonswitch.testing.scripts"

local function write(rel, text)
  local dir = scripts.status().dir
  os.execute("mkdir -p '" .. dir .. "/" .. (rel:match("^(.*)/") or "") .. "'")
  local f = assert(io.open(dir .. "/" .. rel, "w"))
  f:write(text)
  f:close()
end

-- Reloads and waits for the outcome: the status after it.
local function reload(t)
  local before = scripts.status()
  scripts.reload()
  for _ = 1, 200 do
    t:wait(10)
    local s = scripts.status()
    if s.reloads + s.refused > before.reloads + before.refused then return s end
  end
  t:fail("the reload did not finish")
end

local DIALPLAN = [[
local menu = require "menu"
return function(call)
  call:answer()
  if call.destination == "slow" then call:sleep(3000) end
  return menu(call)
end
]]

-- lib/menu.lua version: plays `sound`, then (1001 only) waits and requires a module
-- late: it must come from the call's own generation too.
local function menu(sound, late)
  return string.format([[
return function(call)
  call:play(%q)
  if call.destination == "slow" then
    call:sleep(4000)
    call:play(require("late").sound)
  end
end
]], sound) , string.format("return { sound = %q }\n", late)
end

local function version(t, sound, late)
  local m, l = menu(sound, late)
  write("lib/menu.lua", m)
  write("late.lua", l)
  local s = reload(t)
  t:expect(s.error == nil, "the reload was refused: " .. tostring(s.error))
  return s
end

test("a call in progress keeps its version; a call after the reload hears the new one", function(t)
  write("dialplan.lua", DIALPLAN)
  local g1 = version(t, "demo/sales", "demo/goodbye").generation
  local slow = t:dial("slow")
  slow:expect_answer()
  local g2 = version(t, "demo/support", "demo/invalid").generation
  t:expect(g2 == g1 + 1, "a new generation")
  local c = t:dial("1000")
  c:expect_prompt("demo/support")
  c:expect_hangup()
  slow:expect_prompt("demo/sales")          -- its generation's menu...
  slow:expect_prompt("demo/goodbye")        -- ...and its generation's module, required late
  slow:expect_hangup()
  t:expect(scripts.status().generations == 1, "the old generation was freed with its last call")
end)

test("a broken save changes nothing for callers; the log names file and line", function(t)
  write("dialplan.lua", DIALPLAN)
  version(t, "demo/sales", "demo/goodbye")
  write("lib/menu.lua", "return function(call)\n  call:play(\"demo/support\"\nend\n")
  local s = reload(t)
  t:expect(s.error and s.error:find("lib/menu.lua:3:", 1, true), "file:line: " .. tostring(s.error))
  local c = t:dial("1000")
  c:expect_prompt("demo/sales")
  c:expect_hangup()
  -- an entry that compiles but fails its check is refused too
  write("lib/menu.lua", (menu("demo/goodbye", "demo/goodbye")))
  write("dialplan.lua", "return 42\n")
  s = reload(t)
  t:expect(s.error and s.error:find("must return a function", 1, true), tostring(s.error))
  write("dialplan.lua", "local x = nil\nx.y = 1\nreturn function() end\n")
  s = reload(t)
  t:expect(s.error and s.error:find("dialplan.lua:2:", 1, true), tostring(s.error))
  c = t:dial("1000")
  c:expect_prompt("demo/sales")
  -- the next good save is picked up
  write("dialplan.lua", DIALPLAN)
  version(t, "demo/goodbye", "demo/goodbye")
  c = t:dial("1000")
  c:expect_prompt("demo/goodbye")
end)

test("100 reloads under 200 concurrent calls leak nothing", function(t)
  write("dialplan.lua", DIALPLAN)
  version(t, "demo/sales", "demo/goodbye")
  collectgarbage()
  local base = scripts.status()
  local callers = {}
  for i = 1, 200 do
    callers[i] = t:dial("slow")
  end
  for i = 1, 100 do
    version(t, i % 2 == 0 and "demo/sales" or "demo/support", "demo/goodbye")
    if i % 10 == 0 then t:wait(300) end -- calls progress meanwhile
  end
  for _, c in ipairs(callers) do c:expect_hangup { within = 20000 } end
  t:wait(100)
  local s = scripts.status()
  t:expect(s.generations == 1, "only the current generation is alive: " .. s.generations)
  t:expect(s.generation == base.generation + 100, "100 new generations")
  -- the Lua heap is back near where it was (a generation's tables are a few KB)
  t:expect(s.lua_kb < base.lua_kb + 1024,
    string.format("Lua memory %d KB, was %d KB before", s.lua_kb, base.lua_kb))
end)
