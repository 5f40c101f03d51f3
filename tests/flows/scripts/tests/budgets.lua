-- Runaway scripts are stopped by their budgets (docs/budgets.md): the call ends cleanly
-- with the reason logged and counted, and every other call goes on.
local scripts = require "moonswitch.testing.scripts"

local function stopped() return scripts.status().stopped end

test("an endless loop is stopped; a call in progress meanwhile goes on", function(t)
  local before = stopped().instructions
  local other = t:dial("transfer-b") -- plays demo/sales
  local c = t:dial("spin")
  c:expect_prompt("demo/error") -- the fallback route of this suite, then the hangup
  c:expect_hangup()
  other:expect_prompt("demo/sales")
  other:expect_prompt_end { complete = true }
  other:expect_hangup { by = "server" }
  local row = t:expect_cdr({ vars = { spinning = "yes", fallback = "yes" } }, c)
  t:expect(row.vars.script_error:find("EBUDGET: instructions budget exceeded", 1, true),
    "the reason is in the CDR: " .. tostring(row.vars.script_error))
  t:expect(stopped().instructions == before + 1, "counted")
end)

test("an endless loop inside pcall is stopped too", function(t)
  local before = stopped().instructions
  local c = t:dial("spin-pcall")
  c:expect_hangup()
  t:expect(stopped().instructions == before + 1, "counted")
end)

test("an endless xpcall handler is stopped too, and the script does not go on", function(t)
  local c = t:dial("spin-xpcall")
  c:expect_hangup()
  local row = t:cdr(c)
  t:expect(row.vars.after == nil, "nothing after the spin ran")
end)

test("a script that takes too much memory is stopped even if it catches the error", function(t)
  local before = stopped().memory
  local c = t:dial("hog")
  c:expect_hangup { within = 5000 }
  t:expect(stopped().memory == before + 1, "counted as memory")
  t:expect(c:var("caught") == nil, "it did not go on after catching the error")
end)

test("a long computation that yields is never stopped", function(t)
  local before = stopped()
  local c = t:dial("busy-loop")
  c:expect_hangup { within = 5000 }
  local per = 0
  for i = 1, 200000 do per = per + i % 7 end
  t:expect_cdr { vars = { sum = tostring(20 * per) } } -- it ran to the end
  local now = stopped()
  t:expect(now.instructions == before.instructions and now.wall == before.wall, "not stopped")
end)
