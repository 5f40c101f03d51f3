-- call:wait_tone: in-band tones in the caller's audio, as events a script waits for.

test("a calling fax (CNG) is recognised", function(t)
  local c = t:dial("fax-detect")
  c:expect_answer()
  c:wait(300)
  c:send_tone("%(500,3000,1100)", 4000) -- CNG: 1100 Hz, 0.5 s on, 3 s off
  c:expect_hangup()
  t:expect_cdr { vars = { tone = "fax-cng" } }
end)

test("a busy signal is recognised", function(t)
  local c = t:dial("fax-detect")
  c:expect_answer()
  c:send_tone("busy", 3000)
  c:expect_hangup()
  t:expect_cdr { vars = { tone = "busy" } }
end)

test("speech is not a tone: the wait times out", function(t)
  local c = t:dial("fax-detect")
  c:expect_answer()
  c:say("hello, this is a person speaking, not a fax machine or a busy signal")
  c:expect_hangup { within = 8000 }
  t:expect_cdr { vars = { tone = "ETIMEDOUT" } }
end)
