-- Menus as functions of the call (scripts/menus/dynamic.lua): the top menu chosen by
-- caller, a personalised greeting (long and short), a sub-menu chosen on the way, an
-- inline sub-menu definition; the path goes into the CDR.

test("members get a personalised greeting; a repeat gets the short version", function(t)
  local c = t:dial("menu-dynamic", { caller = "1001", caller_name = "Ada" })
  c:expect_speech("Welcome back, Ada.")
  c:press("5")
  c:expect_speech("No.")
  c:expect_speech("Still here, Ada?")
  c:press("9")
  c:expect_hangup()
  t:expect_cdr { vars = { menu_path = "members", menu_result = "exit" } }
end)

test("no caller name: the greeting still makes sense", function(t)
  local c = t:dial("menu-dynamic", { caller = "2002" })
  c:expect_speech("Welcome back, member.")
end)

test("guests get another menu", function(t)
  local c = t:dial("menu-dynamic", { caller = "3003" })
  c:expect_speech("Welcome, guest.")
  c:press("9")
  c:expect_hangup()
  t:expect_cdr { vars = { menu_path = "guests" } }
end)

test("a sub-menu chosen by a function of the call, per caller", function(t)
  local c = t:dial("menu-dynamic", { caller = "1001" })
  c:expect_speech("Welcome back, member.")
  c:press("1")
  c:expect_speech("Gold desk.")
  c:press("*")
  c:expect_speech("Welcome back, member.")
  c:press("2")
  c:expect_speech("Inline menu.")
  c:press("*")
  c:expect_speech("Welcome back, member.")
  c:press("9")
  t:expect_cdr({ vars = { menu_path = "members>gold>members>inline>members" } }, c)

  local c2 = t:dial("menu-dynamic", { caller = "2002" })
  c2:expect_speech("Welcome back, member.")
  c2:press("1")
  c2:expect_speech("Standard desk.")
  c2:press("9")
  t:expect_cdr({ vars = { menu_path = "members>standard", menu_result = "exit" } }, c2)
end)
