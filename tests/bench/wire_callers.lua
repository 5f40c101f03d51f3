-- 100 simulated callers at once from one `moonswitch test --wire` process
-- (tests/bench/wire_callers.sh): each hears the demo welcome, presses 1 and
-- hears sales. The process's CPU is what the benchmark reports.
local N = tonumber(os.getenv("MS_CALLERS") or "100")

test(N .. " callers at once through the demo menu", function(t)
  local callers = {}
  for i = 1, N do callers[i] = t:dial("1000", { caller = string.format("555%04d", i) }) end
  for _, c in ipairs(callers) do c:expect_prompt("demo/welcome", { within = 15000 }) end
  for _, c in ipairs(callers) do c._c:press("1", "rfc4733", 100) end
  for _, c in ipairs(callers) do c:expect_prompt("demo/sales", { within = 15000 }) end
  for _, c in ipairs(callers) do c:expect_hangup { within = 15000 } end
end)
