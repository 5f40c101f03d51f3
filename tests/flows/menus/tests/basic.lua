-- moonswitch.menu: greetings, invalid/timeout/exit sounds, max failures and timeouts,
-- function and play options, sub-menus, back, top, exit, hangup (scripts/menus/basic.lua).

local WELCOME, AGAIN = "Welcome to the main menu.", "Main menu."

local function dial(t)
  local c = t:dial("menu-basic")
  c:expect_answer()
  c:expect_speech(WELCOME)
  return c
end

test("the long greeting first, the short one when the menu repeats after an invalid key", function(t)
  local c = dial(t)
  c:press("7")
  c:expect_speech("That is not valid.", { within = 500 })
  c:expect_speech(AGAIN)
  c:press("9")
  c:expect_speech("Goodbye.")
  c:expect_speech("The menu returned exit.")
  c:expect_hangup { by = "server" }
  t:expect_cdr { digits = "79", vars = { menu_path = "main", menu_choice = "9", menu_result = "exit",
    menu_failures = "1" } }
end)

test("a key pressed during the greeting cuts it (barge-in)", function(t)
  local c = dial(t)
  c:wait(300)
  c:press("9")
  local e = c:expect_prompt_end { within = 300 }
  t:expect(not e.complete, "the greeting was cut")
  c:expect_speech("Goodbye.", { within = 500 })
end)

test("silence: the timeout sound after the first-digit timeout, not before", function(t)
  local c = dial(t)
  c:expect_prompt_end { complete = true }
  c:expect_speech("Are you still there?", { not_before = 3980, within = 4100 })
  c:expect_speech(AGAIN)
  c:press("9")
  c:expect_speech("Goodbye.")
  t:expect_cdr { vars = { menu_timeouts = "1", menu_result = "exit" } }
end)

test("max failures: the last failure plays no invalid sound, then on_max_failures (exit)", function(t)
  local c = dial(t)
  c:press("7")
  c:expect_speech("That is not valid.")
  c:expect_speech(AGAIN)
  c:press("6")
  c:expect_speech("Goodbye.", { within = 500 }) -- the exit sound, not "That is not valid."
  c:expect_speech("The menu returned exit.")
  c:expect_hangup()
  t:expect_cdr { digits = "76", vars = { menu_failures = "2", menu_result = "exit" } }
end)

test("max timeouts has its own action: a function that ends the menu with a value", function(t)
  local c = dial(t)
  c:expect_prompt_end { complete = true }
  c:expect_speech("Are you still there?", { not_before = 3980, within = 4100 })
  c:expect_speech(AGAIN)
  c:expect_prompt_end { complete = true }
  c:expect_speech("Nobody is there.", { not_before = 3980, within = 4100 })
  c:expect_speech("The menu returned done silence.")
  c:expect_hangup()
  t:expect_cdr { digits = "", vars = { menu_timeouts = "2", max_reason = "max_timeouts",
    menu_result = "done" } }
end)

test("a failure then a timeout: the counters are separate", function(t)
  local c = dial(t)
  c:press("7")
  c:expect_speech("That is not valid.")
  c:expect_speech(AGAIN)
  c:expect_prompt_end { complete = true }
  c:expect_speech("Are you still there?", { within = 4100 })
  c:expect_speech(AGAIN)
  c:press("9")
  c:expect_speech("Goodbye.")
end)

test("digits pressed during the invalid sound are dropped", function(t)
  local c = dial(t)
  c:press("7")
  c:expect_speech("That is not valid.")
  c:press("9") -- while the invalid sound plays
  c:expect_speech(AGAIN, { within = 3000 })
  c:expect_prompt_end { complete = true }
  c:press("3")
  c:expect_speech("The menu returned done three.")
end)

test("a function option runs, and returning nothing brings the menu again (short greeting)", function(t)
  local c = dial(t)
  c:press("2")
  c:expect_speech("The function ran.")
  c:expect_speech(AGAIN)
  c:press("3")
  c:expect_speech("The menu returned done three.")
  c:expect_hangup()
  t:expect_cdr { vars = { ran = "2@main", menu_choice = "3", menu_result = "done" } }
end)

test("a play option plays, then the menu comes again", function(t)
  local c = dial(t)
  c:press("4")
  c:expect_speech("Here is some information.")
  c:expect_speech(AGAIN)
end)

test("sub-menus, back and top: every visit is in the CDR's menu_path", function(t)
  local c = dial(t)
  c:press("1")
  c:expect_speech("Support menu.", { within = 500 })
  c:press("1")
  c:expect_speech("Billing menu.")
  c:press("1")
  c:expect_speech("Your balance is zero.")
  c:expect_speech("Billing.") -- billing's short greeting
  c:press("*")
  c:expect_speech("Support menu.") -- back: a new visit, with the long greeting
  c:press("1")
  c:expect_speech("Billing menu.")
  c:press("0")
  c:expect_speech(WELCOME) -- top
  c:press("9")
  c:expect_speech("Goodbye.")
  t:expect_cdr { digits = "111*109", vars = { menu_path = "main>support>billing>support>billing>main",
    menu_last = "main", menu_result = "exit" } }
end)

test("typed ahead: 1 then 1 quickly goes through two levels", function(t)
  local c = dial(t)
  c:press("11")
  c:expect_speech("Support menu.")
  local e = c:expect_prompt_end()
  c:expect_speech("Billing menu.")
  t:expect(not e.complete, "the support greeting was skipped by the second key")
end)

test("exit from a sub-menu plays that menu's exit sound and leaves the whole menu", function(t)
  local c = dial(t)
  c:press("1")
  c:expect_speech("Support menu.")
  c:press("9")
  c:expect_speech("Support says goodbye.")
  c:expect_speech("The menu returned exit.")
  t:expect_cdr { vars = { menu_path = "main>support", menu_result = "exit" } }
end)

test("back in the top menu: the menu again", function(t)
  local c = dial(t)
  c:press("*")
  c:expect_speech(AGAIN)
  t:expect_cdr { vars = { menu_path = "main" } }
end)

test("an invalid key in a sub-menu: its own invalid sound, its short greeting", function(t)
  local c = dial(t)
  c:press("1")
  c:expect_speech("Support menu.")
  c:press("1")
  c:expect_speech("Billing menu.")
  c:press("5")
  c:expect_speech("Not a billing option.")
  c:expect_speech("Billing.")
end)

test("go = hangup ends the call from the server, without the exit sound", function(t)
  local c = dial(t)
  c:press("8")
  c:expect_hangup { by = "server", within = 500 }
  t:expect_cdr { hangup_by = "server", vars = { menu_result = "hangup", menu_choice = "8" } }
end)

test("the caller hangs up during the menu: the run ends quietly", function(t)
  local c = dial(t)
  c:press("1")
  c:expect_speech("Support menu.")
  c:hangup()
  local row = t:expect_cdr { hangup_by = "caller", vars = { menu_path = "main>support", menu_result = "hangup" } }
  t:expect(row.vars.script_error == nil, "no script error: " .. tostring(row.vars.script_error))
end)

test("a sub-menu without its own invalid/timeout sounds uses those of the menus above", function(t)
  local c = dial(t)
  c:press("1")
  c:expect_speech("Support menu.")
  c:press("5")
  c:expect_speech("That is not valid.") -- main's invalid sound
  c:expect_speech("Support menu.")
  c:expect_prompt_end { complete = true }
  c:expect_speech("Are you still there?", { not_before = 4980, within = 5100 }) -- main's
  c:expect_speech("Support menu.")
  c:press("1")
  c:expect_speech("Billing menu.")
  c:press("5")
  c:expect_speech("Not a billing option.") -- its own
end)
