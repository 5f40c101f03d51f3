-- Confirm before acting: the prompt is a function of the choice; 1 (or "yes")
-- confirms, anything else (or "no") does not and the menu comes again.
local menu = require "moonswitch.menu"

local function S(text) return { speak = text } end

return menu.new {
  name = "confirm",
  greeting = S "Press 1 to cancel your order, or 2 to keep it.",
  short_greeting = S "Cancel or keep?",
  confirm = {
    prompt = function(call, choice)
      return S("You chose option " .. choice.key .. ". Press 1 or say yes to confirm.")
    end,
    key = "1",
    yes = { "yes", "correct" },
    no = "no",
    timeout = 3000,
  },
  options = {
    { key = "1", confirm = true, run = function(call)
        call:speak("Your order is cancelled.")
        return "done"
      end },
    { key = "2", confirm = { prompt = S "Keep it? Press 5 to confirm.", key = "5" },
      run = function(call)
        call:speak("Your order is kept.")
        return "done"
      end },
  },
}
