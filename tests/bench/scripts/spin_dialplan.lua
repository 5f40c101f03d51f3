-- Dialplan of the budget benchmark (tests/bench/spin.sh; entry = "spin_dialplan.lua").
-- Every extension of the load benchmark's dialplan (1000: menu then hold
-- music), plus runaway scripts that the script budgets must stop while the
-- other calls go on:
--   3000: answers, then spins: while true do end
--   3001: spins inside pcall, again and again (pcall must not save it)
--   3002: builds a table until its memory budget stops it
--   3009: control, no runaway: answers, waits 1 s, hangs up
local bench = require "dialplan"

local function answered(call)
  call:answer()
  call:sleep(200)
  call.vars.runaway = call.destination
end

local runaways = {
  ["3000"] = function(call)
    answered(call)
    while true do end
  end,
  ["3001"] = function(call)
    answered(call)
    while true do
      pcall(function() while true do end end)
    end
  end,
  ["3002"] = function(call)
    answered(call)
    local t = {}
    for i = 1, math.maxinteger do t[i] = { i } end
  end,
  ["3009"] = function(call)
    answered(call)
    call:sleep(1000)
    call:hangup()
  end,
}

return function(call)
  local runaway = runaways[call.destination]
  if runaway then return runaway(call) end
  return bench(call)
end
