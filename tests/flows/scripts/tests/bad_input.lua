-- Caller input reaches scripts as plain strings; sound names built from it cannot leave
-- the sound directories.

test("digits, a SIP header and an absolute path cannot name a file outside the sounds", function(t)
  local c = t:dial("play-input", { headers = { ["X-Prompt"] = "../../../../etc/passwd" } })
  c:expect_answer()
  c:press("*0#*") -- (a phone cannot send "." at all)
  c:expect_hangup { within = 5000 }
  -- the digits make a name that does not exist; the others are refused outright
  t:expect_cdr { digits = "*0#*", vars = { codes = "ENOENT EINVAL EINVAL" } }
end)
