-- Demo menu on 1000, built with the menu library (docs/menus.md): press 1 or say
-- "sales", press 2 or say "support", press 3 to hear the time. Anything else is
-- invalid and the menu repeats; three invalid entries (or three silences) and the
-- caller hears goodbye. Without speech recognition (config asr, or every recogniser
-- busy) the same menu takes digits only.
local menu = require "moonswitch.menu"

-- A department: its message, then the menu is done and the call ends.
local function reached(sound)
  return function(call)
    call:play(sound)
    return "done"
  end
end

local main = menu.new {
  name = "main",
  greeting = "demo/welcome",
  invalid = "demo/invalid",       -- after an invalid key, a silence or unrecognised speech
  exit_sound = "demo/goodbye",    -- when the menu is left with "exit" (and after 3 failures)
  timeout = 5000,                 -- ms for the first key, from the end of the greeting
  max_failures = 3,
  max_timeouts = 3,
  options = {
    { key = "1", say = "sales", run = reached("demo/sales") },
    { key = "2", say = "support", run = reached("demo/support") },
    { key = "3", run = function(call)
        call:phrase("time.now")
        return "exit" -- then goodbye
      end },
  },
}

return function(call)
  call:answer()
  call:sleep(500) -- let the caller's media settle before the first word
  main:run(call)
  call:hangup()
end
