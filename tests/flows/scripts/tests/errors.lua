-- A script error: logged with the call id, counted per file; the caller goes to the
-- fallback destination, or hears the apology, never dead air.

test("a script error sends the caller to the fallback destination", function(t)
  local c = t:dial("boom")
  c:expect_prompt("demo/goodbye")
  c:expect_hangup { cause = "NORMAL_CLEARING" }
  local row = t:expect_cdr { destination = "oops", vars = { before = "yes", fallback = "yes" } }
  t:expect(row.vars.script_error:find("attempt to index a nil value", 1, true),
    "the error is in the CDR: " .. tostring(row.vars.script_error))
end)

test("when the fallback fails too, the caller hears the apology, then the call ends", function(t)
  local c = t:dial("boom-twice")
  c:expect_prompt("demo/error")
  c:expect_prompt_end { complete = true }
  c:expect_hangup { cause = "NORMAL_TEMPORARY_FAILURE", by = "server" }
  local row = t:expect_cdr { vars = { fallback = "yes" } }
  t:expect(row.vars.script_error:find("the fallback fails too", 1, true), "the second error")
end)
