-- call:speak heard by a simulated caller: in-process by identity, and over the wire
-- (tests/wire/tts.sh) by recognising the synthesised audio. The same file passes
-- both ways.

-- Runs fn, which must fail (a failed expectation); returns its message.
local function fails(t, fn)
  local ok, err = pcall(fn)
  t:expect(not ok, "the expectation should have failed")
  return tostring(err)
end

test("speech, then a sound file", function(t)
  local c = t:dial("hello")
  c:expect_answer()
  local s = c:expect_speech("Hello. This is a test of text to speech.", { within = 1000 })
  local e = c:expect_prompt_end { complete = true }
  c:expect_prompt("demo/goodbye", { within = 500 })
  c:expect_hangup { by = "server" }
  t:expect(e.at - s.at > 2000, "the speech lasted more than two seconds")
end)

test("several sentences are one prompt", function(t)
  local c = t:dial("sentences")
  c:expect_answer()
  c:expect_speech("Thank you for calling. Your call is important to us. Please stay on the line.")
  c:expect_prompt_end { complete = true }
  c:expect_prompt("demo/goodbye")
  c:expect_hangup()
end)

test("expected after it played: still heard, in its place", function(t)
  local c = t:dial("sentences")
  c:expect_answer()
  c:wait(2500) -- the speech is playing: the caller learns the text now
  c:expect_speech("Thank you for calling. Your call is important to us. Please stay on the line.")
  c:expect_prompt_end { complete = true }
  c:expect_prompt("demo/goodbye")
  c:expect_hangup()
end)

test("expected after the call ended", function(t)
  local c = t:dial("hello")
  c:expect_answer()
  c:wait(6000)
  c:expect_speech("Hello. This is a test of text to speech.", { within = 10 })
  c:expect_prompt("demo/goodbye")
  c:expect_hangup()
end)

test("voices: slt, awb and kal16", function(t)
  local c = t:dial("voices")
  c:expect_answer()
  c:expect_speech("This is the voice called slt.", { voice = "slt" })
  c:expect_speech("And this one is called awb.", { voice = "awb" })
  c:expect_speech("Kal sixteen speaks last.", { voice = "kal16" })
  c:expect_prompt_end { complete = true }
  c:expect_hangup()
end)

test("barge-in: a digit cuts the speech; a runtime value is spoken", function(t)
  local c = t:dial("barge")
  c:expect_answer()
  c:expect_speech("Please enter your account number, then press pound.")
  c:wait(1000)
  c:press("42#")
  local e = c:expect_prompt_end()
  t:expect(not e.complete, "the first digit cut the speech")
  c:expect_speech("You entered " .. "42" .. ".")
  c:expect_hangup()
end)

test("sounds and speech in one playlist, the same text twice", function(t)
  local c = t:dial("mixed")
  c:expect_answer()
  c:expect_prompt("demo/invalid")
  c:expect_speech("Your balance is forty two dollars.")
  c:expect_prompt("demo/goodbye")
  c:expect_speech("Your balance is forty two dollars.")
  c:expect_hangup()
end)

test("a text that begins as a sound file is heard as the text", function(t)
  local c = t:dial("prefix")
  c:expect_answer()
  c:wait(3000) -- the sound file's words have played: over the wire they were heard as it
  c:expect_speech("That is not a valid option. Please try again later, or call us tomorrow morning.")
  c:expect_prompt_end { complete = true }
  c:expect_prompt("demo/goodbye")
  c:expect_hangup()
end)

test("speech of a sound file's words", function(t)
  local c = t:dial("twin")
  c:expect_answer()
  c:expect_speech("Goodbye.")
  c:expect_hangup()
end)

test("negative: speech the server did not say fails", function(t)
  local c = t:dial("hello")
  c:expect_answer()
  local err = fails(t, function() c:expect_speech("Your call cannot be completed.", { within = 3000 }) end)
  t:expect(err:find("expected speech \"Your call cannot be completed.\"", 1, true), err)
  -- what it did say is still there to be expected
  c:expect_speech("Hello. This is a test of text to speech.")
  c:expect_prompt("demo/goodbye")
  c:expect_hangup()
end)

test("negative: the same first sentence, then other words", function(t)
  local c = t:dial("prefix")
  c:expect_answer()
  -- over the wire a text is told by its audio: one sharing the first words is taken for
  -- it until they differ, so the whole text is checked with expect_prompt_end{complete=}
  fails(t, function()
    c:expect_speech("That is not a valid option. Goodbye, and thank you for your patience.")
    c:expect_prompt_end { complete = true }
  end)
end)
