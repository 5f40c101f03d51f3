-- Transfers between scripts: call:transfer(dest) ends the script and runs the dialplan
-- again for the same call (variables kept). From a routing table (transfer = "%1"),
-- from a menu option, from a pattern option with its capture, from max failures.

test("the dialplan strips a prefix and transfers (90 -> 0)", function(t)
  local c = t:dial("90")
  c:expect_answer()
  c:expect_speech("Operator.")
  c:expect_hangup()
  -- the CDR's destination is the last one; route_path keeps the way there
  t:expect_cdr { destination = "0", vars = { route = "operator", route_path = "90>0" } }
end)

test("a transfer into a menu: the menu runs for the same call", function(t)
  local c = t:dial("3000")
  c:expect_speech("Welcome to the main menu.")
  c:press("9")
  c:expect_speech("Goodbye.")
  t:expect_cdr { vars = { route_path = "3000>menu-basic", menu_path = "main" } }
end)

test("a menu option transfers: the transfer sound, then the other script", function(t)
  local c = t:dial("menu-transfer")
  c:expect_speech("Switchboard.")
  c:press("0#")
  c:expect_speech("Transferring.", { within = 300 })
  c:expect_speech("Operator.")
  c:expect_hangup()
  t:expect_cdr { vars = { menu_path = "switchboard", menu_choice = "0", menu_result = "transfer",
    menu_transfer = "operator", route_path = "menu-transfer>operator", route = "operator" } }
end)

test("a pattern option transfers with its capture (8123 -> mailbox 123)", function(t)
  local c = t:dial("menu-transfer")
  c:expect_speech("Switchboard.")
  c:press("8123")
  c:expect_speech("Transferring.")
  c:expect_speech("Mailbox 123.")
  t:expect_cdr { vars = { menu_transfer = "8123", mailbox = "123" } }
end)

test("a transfer chosen by a function of the call (caller 5550000 -> 5000)", function(t)
  local c = t:dial("menu-transfer", { caller = "5550000" })
  c:expect_speech("Switchboard.")
  c:press("1#")
  c:expect_speech("Transferring.")
  c:expect_speech("Hello, valued customer.")
  t:expect_cdr { vars = { menu_transfer = "5000", route = "vip" } }
end)

test("max failures transfers to the operator", function(t)
  local c = t:dial("menu-transfer")
  c:expect_speech("Switchboard.")
  c:press("7#")
  c:expect_speech("Invalid.")
  c:expect_speech("Switchboard.")
  c:press("7#")
  c:expect_speech("Transferring.")
  c:expect_speech("Operator.")
  t:expect_cdr { vars = { menu_failures = "2", menu_result = "transfer", menu_transfer = "operator" } }
end)

test("a transfer loop ends the call with an error after 16 transfers", function(t)
  local c = t:dial("loop")
  c:expect_hangup { within = 2000 }
  local row = t:expect_cdr { destination = "loop" }
  t:expect(row.vars.script_error and row.vars.script_error:find("transfers"),
    "script_error: " .. tostring(row.vars.script_error))
end)
