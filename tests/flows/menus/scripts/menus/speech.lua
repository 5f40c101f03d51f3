-- Speech options: an option's words may be said instead of pressing its key; an
-- option hidden by `when` is neither pressable nor sayable.
local menu = require "moonswitch.menu"

local function S(text) return { speak = text } end

local orders = menu.new {
  name = "orders",
  greeting = S "Orders. Say status or press 1, say back or press star.",
  invalid = S "Sorry, I did not get that.",
  options = {
    { key = "1", say = { "status", "order status" }, play = S "Your order has shipped." },
    { key = "*", say = "back", go = "back" },
  },
}

return menu.new {
  name = "voice",
  greeting = S "Say sales, support or orders.",
  invalid = S "Sorry, I did not get that.",
  exit_sound = S "Goodbye.",
  max_failures = 3,
  options = {
    { key = "1", say = { "sales", "sales department" }, run = function(call, choice)
        call:speak("Sales.")
        return "done"
      end },
    { key = "2", say = "support", run = function(call)
        call:speak("Support.")
        return "done"
      end },
    { key = "3", say = "orders", menu = orders },
    { key = "0", say = "operator", when = menu.when_caller("^555"), run = function(call)
        call:speak("Operator.")
        return "done"
      end },
  },
}
