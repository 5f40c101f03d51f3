-- Level 2 of the tutorial (docs/tutorial.md): orders.
local menu = require "moonswitch.menu"
local returns = require "shop.returns"

-- Asks for an order number with call:gather, then says it back digit by digit.
local function track(call)
  local r = call:gather {
    prompt = { speak = "Please enter your five digit order number." },
    min = 5, max = 5, tries = 2,
    invalid = { speak = "That was not five digits." },
  }
  if r.reason ~= "max" then return "again" end -- back to the orders menu
  call.vars.order = r.digits
  call:speak("Order")
  call:say("digits", r.digits)
  call:speak("has shipped.")
  return "exit" -- leaves the whole menu: goodbye
end

return menu.new {
  name = "orders",
  greeting = { speak = "Orders. To track an order, press 1. To return a book, press 2. "
    .. "To go back, press star." },
  options = {
    { key = "1", say = "track", run = track },
    { key = "2", say = "returns", menu = returns },
    { key = "*", say = "back", go = "back" },
  },
}
