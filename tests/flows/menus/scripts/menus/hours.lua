-- Conditional options: 0 (operator) only while the office is open, 7 only for
-- callers whose number starts with 555. Each option announces itself, so the
-- greeting offers only what the caller may choose. The clock is the X-Clock
-- header when the test sends one, else the server's (moonswitch test --time).
local menu = require "moonswitch.menu"
local calendar = require "moonswitch.calendar"

local function S(text) return { speak = text } end

local office = calendar.new {
  name = "office",
  hours = { ["mon-fri"] = "09:00-12:30, 13:30-17:00", sat = "10:00-12:00" },
  holidays = { "12-25", "01-01", { date = "2026-08-10..2026-08-14", name = "summer" } },
  exceptions = { ["12-24"] = "09:00-12:00" },
}

local function clock(call) return call.vars["sip_h_X-Clock"] end

return menu.new {
  name = "hours",
  greeting = S "Hello.",
  invalid = S "That option is not available.",
  options = {
    { key = "1", announce = S "Press 1 for our address.", play = S "We are at One Main Street." },
    { key = "0", announce = S "Press 0 for an operator.", when = menu.when_open(office, clock),
      run = function(call)
        call:speak("Connecting you to an operator.")
        return "done"
      end },
    { key = "0", announce = S "Press 0 to leave a message.", when = menu.when_closed(office, clock),
      run = function(call)
        call:speak("Please leave a message.")
        return "done"
      end },
    { key = "7", announce = S "Press 7 for the partner line.", when = menu.when_caller("^555"),
      run = function(call)
        call:speak("Partner line.")
        return "done"
      end },
    { key = "9", go = "exit" },
  },
}
