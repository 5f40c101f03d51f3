-- Confirm before acting (scripts/menus/confirm.lua): the confirm prompt is a function
-- of the choice; the confirm key (or "yes") acts, anything else (or "no") brings the
-- menu back; an option may have its own prompt and key.

local GREETING = "Press 1 to cancel your order, or 2 to keep it."
local ASK = "You chose option 1. Press 1 or say yes to confirm."

test("1 then 1: confirmed, the option acts", function(t)
  local c = t:dial("menu-confirm")
  c:expect_speech(GREETING)
  c:press("1")
  c:expect_speech(ASK, { within = 300 })
  c:press("1")
  c:expect_speech("Your order is cancelled.", { within = 300 })
  c:expect_hangup()
  t:expect_cdr { digits = "11", vars = { menu_choice = "1", menu_result = "done" } }
end)

test("1 then another key: not confirmed, the menu comes again (short greeting)", function(t)
  local c = t:dial("menu-confirm")
  c:expect_speech(GREETING)
  c:press("1")
  c:expect_speech(ASK)
  c:press("3")
  c:expect_speech("Cancel or keep?", { within = 300 })
  t:expect(c:var("menu_failures") == nil, "declining is not a failure")
end)

test("1 then silence: not confirmed after the confirm timeout", function(t)
  local c = t:dial("menu-confirm")
  c:expect_speech(GREETING)
  c:press("1")
  c:expect_speech(ASK)
  c:expect_prompt_end { complete = true }
  c:expect_speech("Cancel or keep?", { not_before = 2980, within = 3100 })
end)

test("saying yes confirms, saying no declines", function(t)
  local c = t:dial("menu-confirm")
  c:expect_speech(GREETING)
  c:press("1")
  c:expect_speech(ASK)
  c:expect_prompt_end()
  c:say("no")
  c:expect_speech("Cancel or keep?", { within = 2500 })
  c:press("1")
  c:expect_speech(ASK)
  c:expect_prompt_end()
  c:say("yes")
  c:expect_speech("Your order is cancelled.", { within = 2500 })
end)

test("an option's own confirm: its prompt and its key (5)", function(t)
  local c = t:dial("menu-confirm")
  c:expect_speech(GREETING)
  c:press("2")
  c:expect_speech("Keep it? Press 5 to confirm.")
  c:press("1") -- the menu's confirm key is not this option's
  c:expect_speech("Cancel or keep?")
  c:press("2")
  c:expect_speech("Keep it? Press 5 to confirm.")
  c:press("5")
  c:expect_speech("Your order is kept.")
end)
