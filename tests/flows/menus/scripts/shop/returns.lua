-- Level 3 of the tutorial (docs/tutorial.md): returns.
local menu = require "moonswitch.menu"

return menu.new {
  name = "returns",
  greeting = { speak = "Returns. For a return label, press 1. For our return policy, press 2. "
    .. "To go back, press star. For the main menu, press 0." },
  short_greeting = { speak = "Returns. Label 1, policy 2, back star, main menu 0." },
  options = {
    { key = "1", say = "label", run = function(call)
        call.vars.return_label = "sent"
        call:speak("A return label is on its way to your email.")
      end }, -- returns nothing: the returns menu comes again
    { key = "2", say = "policy", play = { speak = "You may return any book within thirty days." } },
    { key = "*", say = "back", go = "back" },
    { key = "0", say = "main menu", go = "top" },
  },
}
