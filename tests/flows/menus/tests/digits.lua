-- Multi-digit entries: digit_len, the inter-digit timeout, "#", early completion when
-- no longer key could follow, patterns with captures (scripts/menus/keys.lua, ext.lua).

test("a key no longer key starts with acts at once (5)", function(t)
  local c = t:dial("menu-keys")
  c:expect_speech("Enter a code.")
  c:press("5")
  c:expect_speech("Five.", { within = 200 })
end)

test("a key that starts a longer one waits for the inter-digit timeout (1, then 2 s)", function(t)
  local c = t:dial("menu-keys")
  c:expect_speech("Enter a code.")
  c:press("1") -- returns 200 ms after the key went down; the timer runs from the key
  c:expect_speech("One.", { not_before = 1750, within = 1900 })
  t:expect_cdr { digits = "1", vars = { menu_choice = "1" } }
end)

test("the longer key is taken when its digits come in time (12)", function(t)
  local c = t:dial("menu-keys")
  c:expect_speech("Enter a code.")
  c:press("12")
  c:expect_speech("Twelve.", { within = 200 })
  t:expect_cdr { digits = "12", vars = { menu_choice = "12" } }
end)

test("# ends the entry at once (1#)", function(t)
  local c = t:dial("menu-keys")
  c:expect_speech("Enter a code.")
  c:press("1#")
  c:expect_speech("One.", { within = 200 })
end)

test("an entry no key starts with is invalid at once (7)", function(t)
  local c = t:dial("menu-keys")
  c:expect_speech("Enter a code.")
  c:press("7")
  c:expect_speech("Unknown code.", { within = 200 })
  c:expect_speech("Enter a code.")
end)

test("a pattern option gets the captures (8123)", function(t)
  local c = t:dial("menu-ext")
  c:expect_speech("Enter an extension, then press pound.")
  c:press("8123")
  c:expect_speech("Calling extension 123.", { within = 200 }) -- digit_len reached: no wait
  c:expect_hangup()
  t:expect_cdr { digits = "8123", vars = { extension = "123", menu_choice = "8123", menu_result = "done" } }
end)

test("a pattern written without anchors is anchored (9123 yes, 91234 no)", function(t)
  local c = t:dial("menu-ext")
  c:expect_speech("Enter an extension, then press pound.")
  c:press("9123")
  c:expect_speech("Those extensions are not in service.")
  c:expect_speech("Enter an extension, then press pound.")
  c:press("912#")
  c:expect_speech("No such extension.", { within = 200 })
end)

test("too few digits: the inter-digit timeout ends the entry and it is invalid", function(t)
  local c = t:dial("menu-ext")
  c:expect_speech("Enter an extension, then press pound.")
  c:press("81")
  c:expect_speech("No such extension.", { not_before = 1750, within = 1900 })
end)

test("# alone is an invalid entry, not a timeout", function(t)
  local c = t:dial("menu-ext")
  c:expect_speech("Enter an extension, then press pound.")
  c:press("#")
  c:expect_speech("No such extension.", { within = 200 })
  t:expect_cdr { vars = { menu_failures = "1" } }
end)
