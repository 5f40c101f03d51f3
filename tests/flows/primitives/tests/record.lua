-- call:record through the simulated caller: each way a recording ends, the
-- file it leaves, and paths outside the recordings directory.

local function wav_seconds(path) -- PCM16 mono 8 kHz WAV: 44-byte header
  local f = io.open(path, "rb")
  if not f then return nil end
  local size = f:seek("end")
  f:close()
  return (size - 44) / 16000
end

local function voice(c, ms) -- the caller speaks for ms (a 440 Hz hum is enough)
  c:say("this is my message for the test")
  c:wait(ms)
end

test("a terminator ends the recording; the beep comes first", function(t)
  local c = t:dial("record-terminator")
  c:expect_tone("beep")
  c:expect_prompt_end()
  voice(c, 500)
  c:press("#")
  c:expect_prompt("demo/goodbye")
  local row = t:expect_cdr { vars = { record_reason = "terminator" } }
  local secs = wav_seconds(row.vars.record_path)
  t:expect(secs and secs > 1.5, "the file holds what was said: " .. tostring(secs) .. " s")
  t:expect(math.abs(secs - tonumber(row.vars.record_duration)) < 0.05, "duration matches the file")
end)

test("silence ends the recording after silence_seconds", function(t)
  local c = t:dial("record-silence")
  c:expect_answer()
  voice(c, 0)
  local t0 = t:now()
  c:expect_prompt("demo/goodbye", { not_before = 2900, within = 3200 })
  t:expect_cdr { vars = { record_reason = "silence" } }
end)

test("max_seconds ends the recording", function(t)
  local c = t:dial("record-max")
  c:expect_answer()
  c:expect_prompt("demo/goodbye", { not_before = 3990, within = 4100 })
  local row = t:expect_cdr { vars = { record_reason = "max" } }
  t:expect(math.abs(tonumber(row.vars.record_duration) - 4.0) <= 0.04, "about 4 s recorded")
  t:expect(math.abs(wav_seconds(row.vars.record_path) - 4.0) < 0.03, "4 s of audio in the file")
end)

test("hanging up mid-recording keeps what was said", function(t)
  local c = t:dial("record-hangup")
  c:expect_tone("beep")
  voice(c, 300)
  c:hangup()
  local row = t:expect_cdr { hangup_by = "caller", vars = { record_reason = "hangup" } }
  local secs = wav_seconds(row.vars.record_path)
  t:expect(secs and secs > 1.5, "the file is there with the message: " .. tostring(secs) .. " s")
  local parts = t:query("SELECT 1") -- the server is still fine
  t:expect(#parts == 1, "query works")
end)

test("trim drops the silence before and after the message", function(t)
  local c = t:dial("record-trim")
  c:expect_answer()
  c:wait(2000)          -- silence first
  voice(c, 2000)        -- then speech, then 2 s of silence
  c:press("#")
  local row = t:expect_cdr { vars = { record_reason = "terminator" } }
  local secs = wav_seconds(row.vars.record_path)
  t:expect(secs < 3.5, "trimmed: " .. secs .. " s (untrimmed it would be over 6 s)")
end)

test("a path outside the recordings directory is refused", function(t)
  local c = t:dial("record-outside")
  c:expect_hangup()
  t:expect_cdr { vars = { outside = "EACCES EACCES" } }
end)
