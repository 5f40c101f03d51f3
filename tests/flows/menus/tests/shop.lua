-- The tutorial's three-level menu (docs/tutorial.md; scripts/shop/*.lua): main ->
-- orders -> returns. Each test is what a caller does and hears.

local WELCOME = "Welcome to Moon Books. For orders, press 1 or say orders. "
  .. "For our opening hours, press 2. To speak to someone, press 0."
local MAIN_SHORT = "Main menu. Orders 1, hours 2, someone 0."
local ORDERS = "Orders. To track an order, press 1. To return a book, press 2. To go back, press star."
local RETURNS = "Returns. For a return label, press 1. For our return policy, press 2. "
  .. "To go back, press star. For the main menu, press 0."
local GOODBYE = "Thank you for calling Moon Books. Goodbye."

test("the opening hours, then the menu again", function(t)
  local c = t:dial("2000")
  c:expect_answer()
  c:expect_speech(WELCOME)
  c:press("2")
  c:expect_speech("We are open Monday to Friday, nine to five.")
  c:expect_speech(MAIN_SHORT)
end)

test("three levels down and back to the top", function(t)
  local c = t:dial("2000")
  c:expect_speech(WELCOME)
  c:press("1")
  c:expect_speech(ORDERS)
  c:press("2")
  c:expect_speech(RETURNS)
  c:press("1")
  c:expect_speech("A return label is on its way to your email.")
  c:expect_speech("Returns. Label 1, policy 2, back star, main menu 0.")
  c:press("*")
  c:expect_speech(ORDERS)
  c:press("2")
  c:expect_speech(RETURNS)
  c:press("0")
  c:expect_speech(WELCOME)
  c:hangup()
  t:expect_cdr { vars = { menu_path = "main>orders>returns>orders>returns>main", return_label = "sent" } }
end)

test("tracking an order: five digits, said back, then goodbye", function(t)
  local c = t:dial("2000")
  c:expect_speech(WELCOME)
  c:press("1")
  c:expect_speech(ORDERS)
  c:press("1")
  c:expect_speech("Please enter your five digit order number.")
  c:press("40213")
  c:expect_speech("Order")
  c:expect_prompt({ "digits/4", "digits/0", "digits/2", "digits/1", "digits/3" })
  c:expect_speech("has shipped.")
  c:expect_speech(GOODBYE)
  c:expect_hangup { by = "server" }
  t:expect_cdr { vars = { order = "40213", menu_path = "main>orders", menu_result = "exit" } }
end)

test("saying orders works like pressing 1", function(t)
  local c = t:dial("2000")
  c:expect_speech(WELCOME)
  c:expect_prompt_end()
  c:say("orders")
  c:expect_speech(ORDERS, { within = 2500 })
end)

test("a wrong key, then silence twice: goodbye", function(t)
  local c = t:dial("2000")
  c:expect_speech(WELCOME)
  c:press("5")
  c:expect_speech("Sorry, that is not an option.")
  c:expect_speech(MAIN_SHORT)
  c:expect_prompt_end { complete = true }
  c:expect_speech("Sorry, I did not hear anything.", { not_before = 4900, within = 5100 })
  c:expect_speech(MAIN_SHORT)
  c:expect_prompt_end { complete = true }
  c:expect_speech(GOODBYE, { not_before = 4900, within = 5100 })
  c:expect_hangup()
end)

test("someone to speak to: no goodbye after the message", function(t)
  local c = t:dial("2000")
  c:expect_speech(WELCOME)
  c:press("0")
  c:expect_speech("All our booksellers are busy. Please call again later.")
  c:expect_hangup { by = "server" }
  t:expect_cdr { vars = { menu_result = "done" } }
end)
