-- What a call script can and cannot do (docs/scripts.md#sandbox).

test("the sandbox: no io, os.execute, os.exit, debug, loadfile or binary chunks", function(t)
  local c = t:dial("sandbox")
  c:expect_hangup()
  local row = t:expect_cdr { vars = { text_load = "42", time_ok = "true", date = "1970",
                                      probe = "hello 1", require_os = "allowed" } }
  for _, k in ipairs { "io", "execute", "exit", "getenv", "debug", "loadfile" } do
    t:expect(c:var(k):find("nil value", 1, true), k .. " is not there: " .. c:var(k))
  end
  t:expect(c:var("binary"):find("binary", 1, true), "binary chunks refused: " .. c:var("binary"))
  t:expect(c:var("set_G"):find("globals are per call", 1, true), "_G is read-only: " .. c:var("set_G"))
  t:expect(c:var("string_patch"):find("read-only", 1, true), "string is read-only: " .. c:var("string_patch"))
end)

test("a call's globals are its own", function(t)
  local a = t:dial("global-set")
  a:expect_hangup()
  t:expect_cdr({ vars = { seen = "yes" } }, a)
  local b = t:dial("global-get")
  b:expect_hangup()
  t:expect_cdr({ vars = { seen = "nil" } }, b)
end)

test("os.time and os.date follow the server's clock (here the virtual one, set by the test)", function(t)
  local scripts = require "moonswitch.testing.scripts"
  scripts.set_time(os.time { year = 2026, month = 12, day = 25, hour = 10, min = 0, sec = 0 })
  local c = t:dial("clock")
  c:expect_hangup { within = 100000 }
  t:expect_cdr { vars = { now = "2026-12-25 10:00", later = "10:01:30" } }
end)

test("configuration can grant more to trusted scripts (scripts.trust)", function(t)
  local sandbox = require "moonswitch.sandbox"
  local plain = sandbox.new { trust = {}, require = require }
  local trusted = sandbox.new { trust = { io = true, os = true, debug = true }, require = require }
  t:expect(plain.io == nil and plain.debug == nil and plain.os.execute == nil, "plain: none of it")
  t:expect(trusted.io == io and trusted.debug == debug and trusted.os.execute == os.execute,
    "trusted: io, debug and the whole os")
  t:expect(trusted.package == nil and trusted.loadfile == nil, "only what was granted")
  local f = plain.load(string.dump(function() return 1 end))
  t:expect(f == nil, "binary chunks refused unless granted")
  local g = sandbox.new { trust = { binary_chunks = true }, require = require }
    .load(string.dump(function() return 1 end))
  t:expect(g and g() == 1, "granted: binary chunks load")
end)
