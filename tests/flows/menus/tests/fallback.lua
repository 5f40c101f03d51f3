-- Speech recognition off (ENOSYS) or busy (EBUSY): the menu takes digits. Pure tests with
-- a stand-in call object that records what the menu asked for (the suite's server has
-- recognition on; tests/speech.lua covers EBUSY with real calls).

local menu = require "moonswitch.menu"

local m = menu.new {
  name = "voice",
  greeting = "g",
  options = {
    { key = "1", say = "sales", play = "sales" },   -- play, then the menu again
    { key = "2", say = "support", go = "exit" },
  },
}

-- A call whose gather answers from `entries` (digit strings) in order, refusing speech
-- with `code` the first `refusals` times it is asked for it.
local function stand_in(entries, code, refusals)
  local call = { id = "stand-in", caller = "1", caller_name = "", destination = "x", vars = {},
    asked = {}, played = {} }
  function call:gather(opts)
    self.asked[#self.asked + 1] = opts.speech and "speech" or "digits"
    if opts.speech and refusals > 0 then
      refusals = refusals - 1
      return nil, code .. ": recognition unavailable", code
    end
    local d = table.remove(entries, 1)
    if not d then return { reason = "hangup", digits = "" } end
    return { reason = "max", digits = d }
  end
  function call:play(list)
    self.played[#self.played + 1] = list[1]
    return true
  end
  function call:hangup() end
  return call
end

test("ENOSYS: asked once with speech, then digits only for the rest of the run", function(t)
  local call = stand_in({ "1", "2" }, "ENOSYS", 100)
  local result = m:run(call)
  t:expect(result == "exit", "the run ended by option 2: " .. tostring(result))
  -- first presentation: speech refused, then digits; second presentation: digits at once
  local asked = table.concat(call.asked, " ")
  t:expect(asked == "speech digits digits", "asked: " .. asked)
  t:expect(call.played[1] == "sales", "option 1 played its sound")
  t:expect(call.vars.menu_choice == "2" and call.vars.menu_spoken == nil, "chosen by keys")
end)

test("EBUSY: digits for this presentation, speech asked again at the next", function(t)
  local call = stand_in({ "1", "2" }, "EBUSY", 1)
  m:run(call)
  local asked = table.concat(call.asked, " ")
  t:expect(asked == "speech digits speech", "asked: " .. asked)
end)

test("a menu with speech = false never asks for speech", function(t)
  local quiet = menu.new { name = "quiet", speech = false,
    options = { { key = "1", say = "sales", go = "exit" } } }
  local call = stand_in({ "1" }, "ENOSYS", 0)
  quiet:run(call)
  t:expect(table.concat(call.asked, " ") == "digits", "asked: " .. table.concat(call.asked, " "))
end)
