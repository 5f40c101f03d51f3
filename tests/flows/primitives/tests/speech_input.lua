-- call:gather{speech = ...}: the caller's synthesised voice against the recogniser
-- (pocketsphinx, in-process on the virtual clock).

local PROMPT = "Say sales or support, or press 1 or 2."

test("speech menu: saying an option during the prompt stops it and is recognised", function(t)
  local c = t:dial("asr-menu")
  c:expect_speech(PROMPT)
  c:wait(700)
  c:say("support")
  local e = c:expect_prompt_end { within = 300 }
  t:expect(not e.complete, "the prompt was cut when the caller began to speak")
  c:expect_speech("You said support.")
  c:expect_hangup()
  t:expect_cdr { vars = { reason = "match", speech = "support", tries = "1" } }
end)

test("speech menu: a digit still works, and wins", function(t)
  local c = t:dial("asr-menu")
  c:expect_speech(PROMPT)
  c:press("2")
  c:expect_prompt_end { within = 100 }
  c:expect_hangup()
  t:expect_cdr { vars = { reason = "max", digits = "2", tries = "1" } }
end)

test("speech menu: out-of-grammar speech is no match, not a guess; the retry works", function(t)
  local c = t:dial("asr-menu")
  c:expect_prompt_end()
  c:say("what is the weather like in the mountains today")
  c:expect_speech("Sorry, I did not understand.")
  c:expect_speech(PROMPT)
  c:expect_prompt_end()
  c:say("support") -- (flite's "sales" is at the threshold: see tests/flows/demo.lua)
  c:expect_speech("You said support.")
  c:expect_hangup()
  t:expect_cdr { vars = { reason = "match", speech = "support", tries = "2" } }
end)

test("speech menu: silence is a timeout after the prompt, on every try", function(t)
  local c = t:dial("asr-menu")
  local first = c:expect_prompt_end()
  c:expect_speech("Sorry, I did not understand.", { not_before = 3900, within = 4200 })
  c:expect_speech(PROMPT)
  c:expect_hangup { within = 10000 }
  t:expect_cdr { vars = { reason = "timeout", tries = "2" } }
  t:expect(first.complete, "the prompt played to its end")
end)

test("keywords: a phrase spotted inside what the caller says", function(t)
  local c = t:dial("asr-keywords")
  c:expect_prompt_end()
  c:say("i have a question about billing")
  c:expect_hangup { within = 3000 }
  t:expect_cdr { vars = { reason = "match", speech = "billing" } }
end)

test("a full pool of recognisers: the next gather gets EBUSY at once", function(t)
  local a, b = t:dial("asr-hold"), t:dial("asr-hold")
  a:expect_answer()
  b:expect_answer()
  local c = t:dial("asr-hold")
  c:expect_hangup { within = 200 }
  a:hangup()
  b:hangup()
  t:expect_cdr { vars = { asr_error = "EBUSY" } }
end)

test("a grammar with an unknown word or bad syntax is a script error that says why", function(t)
  local c = t:dial("asr-bad-grammar")
  c:expect_hangup()
  local v1, v2 = c:var("asr_error"), c:var("asr_error2")
  t:expect(v1 and v1:find("zzqxv", 1, true), "names the word without pronunciation: " .. tostring(v1))
  t:expect(v2 and v2:find("gather: speech", 1, true), "a syntax error: " .. tostring(v2))
end)

test("a grammar from a file below the scripts directory; none from outside it", function(t)
  local c = t:dial("asr-file")
  c:expect_prompt_end()
  c:say("yes")
  c:expect_hangup { within = 3000 }
  t:expect_cdr { vars = { reason = "match", speech = "yes" } }
  local v = c:var("outside")
  t:expect(v and v:find("EACCES", 1, true), "a path with .. is refused: " .. tostring(v))
end)
