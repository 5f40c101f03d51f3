-- Writes N copies of the demo-menu flow test (alternating 1 and 2) to FILE:
--   lua5.4 tests/bench/gen_flows.lua N FILE
local n = tonumber(arg[1])
local f = io.open(arg[2], "w")
for i = 1, n do
  local d = i % 2 + 1
  f:write(string.format([[
test("menu flow %d", function(t)
  local c = t:dial("1000", { caller = "555%04d" })
  c:expect_answer()
  c:expect_prompt("demo/welcome")
  c:press("%d")
  c:expect_prompt("%s", { within = 2000 })
  c:expect_hangup()
  t:expect_cdr { digits = "%d" }
end)
]], i, i, d, d == 1 and "demo/sales" or "demo/support", d))
end
f:close()
