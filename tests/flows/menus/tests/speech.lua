-- Speech options (scripts/menus/speech.lua): saying an option's words instead of
-- pressing its key; sub-menus by voice; out-of-grammar speech is a failure; an option
-- hidden by `when` cannot be said; no recogniser free: digits only.

local GREETING = "Say sales, support or orders."

test("saying an option's word chooses it, recorded as spoken", function(t)
  local c = t:dial("menu-speech")
  c:expect_speech(GREETING)
  c:expect_prompt_end()
  c:say("support")
  c:expect_speech("Support.", { within = 2500 })
  c:expect_hangup()
  t:expect_cdr { digits = "", vars = { menu_choice = "2", menu_spoken = "support", menu_result = "done" } }
end)

test("any of an option's phrases works (sales department)", function(t)
  local c = t:dial("menu-speech")
  c:expect_speech(GREETING)
  c:expect_prompt_end()
  c:say("sales department")
  c:expect_speech("Sales.", { within = 2500 })
  t:expect_cdr { vars = { menu_choice = "1", menu_spoken = "sales department" } }
end)

test("speaking during the greeting cuts it (barge-in)", function(t)
  local c = t:dial("menu-speech")
  c:expect_speech(GREETING)
  c:wait(1500) -- the recogniser needs some audio before the first word (as in demo.lua)
  c:say("support")
  local e = c:expect_prompt_end { within = 1000 }
  t:expect(not e.complete, "the greeting was cut when the caller spoke")
  c:expect_speech("Support.", { within = 2500 })
end)

test("keys still work in a speech menu", function(t)
  local c = t:dial("menu-speech")
  c:expect_speech(GREETING)
  c:press("1")
  c:expect_speech("Sales.", { within = 300 })
  local row = t:expect_cdr { digits = "1", vars = { menu_choice = "1" } }
  t:expect(row.vars.menu_spoken == nil, "nothing was spoken")
end)

test("a sub-menu by voice, its options by voice, back by voice", function(t)
  local c = t:dial("menu-speech")
  c:expect_speech(GREETING)
  c:expect_prompt_end()
  c:say("orders")
  c:expect_speech("Orders. Say status or press 1, say back or press star.", { within = 2500 })
  c:expect_prompt_end()
  c:say("order status")
  c:expect_speech("Your order has shipped.", { within = 2500 })
  c:expect_speech("Orders. Say status or press 1, say back or press star.")
  c:expect_prompt_end()
  c:say("back")
  c:expect_speech(GREETING, { within = 2500 })
  c:press("2")
  c:expect_speech("Support.")
  t:expect_cdr { vars = { menu_path = "voice>orders>voice", menu_choice = "2" } }
end)

test("out-of-grammar speech is an invalid entry, and the menu comes again", function(t)
  local c = t:dial("menu-speech")
  c:expect_speech(GREETING)
  c:expect_prompt_end()
  c:say("what is the weather like in the mountains today")
  c:expect_speech("Sorry, I did not get that.", { within = 4000 })
  c:expect_speech(GREETING)
  c:expect_prompt_end()
  c:say("support") -- (flite's lone "sales" is at the threshold: see tests/flows/demo.lua)
  c:expect_speech("Support.", { within = 2500 })
  t:expect_cdr { vars = { menu_failures = "1", menu_spoken = "support" } }
end)

test("a hidden option's word is not understood; shown to the right caller, it is", function(t)
  local c = t:dial("menu-speech", { caller = "4441234" })
  c:expect_speech(GREETING)
  c:expect_prompt_end()
  c:say("operator")
  c:expect_speech("Sorry, I did not get that.", { within = 4000 })
  c:expect_speech(GREETING)
  c:press("0") -- hidden: not pressable either
  c:expect_speech("Sorry, I did not get that.")
  c:hangup()

  local c2 = t:dial("menu-speech", { caller = "5551234" })
  c2:expect_speech(GREETING)
  c2:expect_prompt_end()
  c2:say("operator")
  c2:expect_speech("Operator.", { within = 2500 })
  t:expect_cdr({ vars = { menu_choice = "0", menu_spoken = "operator" } }, c2)
end)

test("every recogniser busy: the menu takes digits and the call goes on", function(t)
  local holder = t:dial("asr-hold") -- conf.lua: asr.pool = 1
  holder:expect_answer()
  t:wait(200)
  local c = t:dial("menu-speech")
  c:expect_speech(GREETING)
  c:expect_prompt_end()
  c:say("sales") -- nobody listens
  c:expect_speech("Sorry, I did not get that.", { within = 6000 })
  c:expect_speech(GREETING)
  c:press("1")
  c:expect_speech("Sales.")
  t:expect_cdr({ vars = { menu_timeouts = "1", menu_choice = "1" } }, c)
  holder:hangup()
end)
