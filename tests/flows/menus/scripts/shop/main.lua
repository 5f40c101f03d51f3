-- Level 1 of the tutorial (docs/tutorial.md): the shop's main menu.
local menu = require "moonswitch.menu"
local orders = require "shop.orders"

local main = menu.new {
  name = "main",
  greeting = { speak = "Welcome to Moon Books. For orders, press 1 or say orders. "
    .. "For our opening hours, press 2. To speak to someone, press 0." },
  short_greeting = { speak = "Main menu. Orders 1, hours 2, someone 0." },
  invalid = { speak = "Sorry, that is not an option." },
  timeout_sound = { speak = "Sorry, I did not hear anything." },
  exit_sound = { speak = "Thank you for calling Moon Books. Goodbye." },
  max_failures = 3,
  max_timeouts = 2,
  options = {
    { key = "1", say = "orders", menu = orders },
    { key = "2", say = "hours", play = { speak = "We are open Monday to Friday, nine to five." } },
    { key = "0", say = "operator", run = function(call)
        call:speak("All our booksellers are busy. Please call again later.")
        return "done" -- leaves the menu without the goodbye
      end },
  },
}

return function(call)
  call:answer()
  main:run(call)
  call:hangup()
end
