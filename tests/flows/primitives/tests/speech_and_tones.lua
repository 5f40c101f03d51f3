-- call:speak and call:tone through the simulated caller (in-process).

test("speak: the caller hears the text, then the next prompt", function(t)
  local c = t:dial("speak")
  c:expect_answer()
  c:expect_speech("Hello. This is a test of text to speech.", { within = 200 })
  c:expect_prompt_end()
  c:expect_prompt("demo/goodbye")
  c:expect_hangup()
end)

test("barge-in during TTS: a digit stops the speech at once", function(t)
  local c = t:dial("speak-barge")
  c:expect_speech("Please enter your account number, then press pound.")
  c:wait(800)
  c:press("42#")
  local e = c:expect_prompt_end { within = 100 }
  t:expect(not e.complete, "the speech was cut by the first digit")
  c:expect_speech("You entered 42")
  c:expect_hangup()
  t:expect_cdr { digits = "42#", vars = { account = "42" } }
end)

test("speak with a 16 kHz voice; an unknown voice is an error, not a crash", function(t)
  local c = t:dial("speak-voice")
  c:expect_speech("A sixteen kilohertz voice.")
  c:expect_hangup()
  t:expect_cdr { vars = { bad_voice = "EINVAL" } }
end)

test("tones: named and spec'd, with lengths; a bad spec is refused", function(t)
  local c = t:dial("tones")
  local r = c:expect_tone("ringback")
  local e = c:expect_prompt_end()
  t:expect(e.at - r.at >= 3980 and e.at - r.at <= 4020, "ringback lasted 4 s")
  c:expect_tone("%(100,100,1000)")
  c:expect_tone("busy")
  c:expect_hangup()
  t:expect_cdr { vars = { bad_tone = "EINVAL" } }
end)
