-- Conditional options (scripts/menus/hours.lua): offered only when `when` holds —
-- business hours by an explicit clock (the X-Clock header the test script reads),
-- and caller id. A hidden option is neither announced nor pressable.

local ADDRESS, OPERATOR, MESSAGE, PARTNER =
  "Press 1 for our address.", "Press 0 for an operator.", "Press 0 to leave a message.",
  "Press 7 for the partner line."

local function dial(t, clock, caller)
  local c = t:dial("menu-hours", { caller = caller or "4441234", headers = { ["X-Clock"] = clock } })
  c:expect_answer()
  c:expect_speech("Hello.")
  c:expect_speech(ADDRESS)
  return c
end

test("open (a Wednesday at 10:00): the operator is offered and reached", function(t)
  local c = dial(t, "2026-11-25T10:00:00")
  c:expect_speech(OPERATOR)
  c:press("0")
  c:expect_speech("Connecting you to an operator.")
  t:expect_cdr { vars = { menu_choice = "0", menu_result = "done" } }
end)

test("closed for lunch (12:45): a message instead of the operator, same key", function(t)
  local c = dial(t, "2026-11-25T12:45:00")
  c:expect_speech(MESSAGE)
  c:expect_prompt_end { complete = true }
  c:press("0")
  c:expect_speech("Please leave a message.")
end)

test("a holiday (Christmas, a Friday at 10:00) is closed", function(t)
  local c = dial(t, "2026-12-25T10:00:00")
  c:expect_speech(MESSAGE)
end)

test("an exception: Christmas Eve closes at noon", function(t)
  dial(t, "2026-12-24T11:30:00"):expect_speech(OPERATOR)
  dial(t, "2026-12-24T14:00:00"):expect_speech(MESSAGE)
end)

test("a holiday range (summer week) and Saturday hours", function(t)
  dial(t, "2026-08-12T10:00:00"):expect_speech(MESSAGE)
  dial(t, "2026-11-28T11:00:00"):expect_speech(OPERATOR)
  dial(t, "2026-11-29T11:00:00"):expect_speech(MESSAGE)
end)

test("by caller id: 555... hears and may press 7; others do not and may not", function(t)
  local c = dial(t, "2026-11-25T10:00:00", "5559876")
  c:expect_speech(OPERATOR)
  c:expect_speech(PARTNER)
  c:press("7")
  c:expect_speech("Partner line.")
  t:expect_cdr({ vars = { menu_choice = "7" } }, c)

  local c2 = dial(t, "2026-11-25T10:00:00", "4449876")
  c2:expect_speech(OPERATOR)
  local e = c2:expect_prompt_end { complete = true }
  t:expect(e.name == OPERATOR, "the greeting ended with the operator, no partner line")
  c2:press("7")
  c2:expect_speech("That option is not available.")
end)
