-- call:transfer(dest): the dialplan runs again for the new destination.

test("a transfer runs the dialplan again for the new destination", function(t)
  local c = t:dial("transfer-a")
  c:expect_prompt("demo/sales")
  c:expect_hangup { by = "server", cause = "NORMAL_CLEARING" }
  t:expect_cdr { destination = "transfer-b",
                 vars = { first = "transfer-a", second = "transfer-b" } }
  t:expect(c:var("after") == nil, "the code after transfer() did not run")
end)

test("a transfer loop is stopped", function(t)
  local c = t:dial("transfer-loop")
  c:expect_hangup { within = 1000 }
  t:expect_cdr { vars = { script_error = "too many transfers" } }
end)

test("a malformed destination is refused", function(t)
  local c = t:dial("transfer-bad")
  c:expect_hangup()
  t:expect_cdr { vars = { bad = "refused" } }
end)
