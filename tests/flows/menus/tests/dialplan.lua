-- moonswitch.dialplan (scripts/dialplan.lua, a routing table): routing by destination
-- patterns with captures, caller, header and time of day; route variables; refusals.
-- Time of day comes from the X-Clock header here (the table's `clock`); see
-- ../timed/ for the same routes on the server's clock (moonswitch test --time).

test("a pattern's capture goes to `set` variables and to the handler", function(t)
  local c = t:dial("8123")
  c:expect_speech("Mailbox 123.")
  c:expect_hangup()
  t:expect_cdr { destination = "8123", vars = { mailbox = "123", same_capture = "true", route = "mailbox",
    route_path = "8123" } }
end)

test("a pattern does not match more or fewer digits", function(t)
  t:dial("81234"):expect_hangup { cause = "UNALLOCATED_NUMBER", status = 404 }
  t:dial("812"):expect_hangup { cause = "UNALLOCATED_NUMBER", status = 404 }
end)

test("a list of destinations: any of them", function(t)
  t:dial("0"):expect_speech("Operator.")
  t:dial("operator"):expect_speech("Operator.")
  t:expect_cdr { vars = { route = "operator" } }
end)

test("by caller: 555... comes first on 5000, whatever the time", function(t)
  local c = t:dial("5000", { caller = "5551234", headers = { ["X-Clock"] = "2026-12-25T03:00:00" } })
  c:expect_speech("Hello, valued customer.")
  t:expect_cdr { vars = { route = "vip" } }
end)

test("by header: X-Priority urgent (or emergency...) gets the urgent line", function(t)
  t:dial("5000", { headers = { ["X-Priority"] = "urgent" } }):expect_speech("Urgent line.")
  t:dial("5000", { headers = { ["X-Priority"] = "emergency-1" } }):expect_speech("Urgent line.")
  local c = t:dial("5000", { headers = { ["X-Priority"] = "not urgent", ["X-Clock"] = "2026-11-25T10:00:00" } })
  c:expect_speech("Sales is open.")
end)

test("by time of day: open hours, closed hours, a holiday", function(t)
  t:dial("5000", { headers = { ["X-Clock"] = "2026-11-25T10:00:00" } }):expect_speech("Sales is open.")
  local c = t:dial("5000", { headers = { ["X-Clock"] = "2026-11-25T18:00:00" } })
  c:expect_speech("Sales is closed.")
  c:expect_hangup { by = "server" }
  t:expect_cdr { vars = { route = "sales-closed" } }
  t:dial("5000", { headers = { ["X-Clock"] = "2026-12-25T10:00:00" } }):expect_speech("Sales is closed.")
end)

test("a hangup route refuses with its cause; the default refuses with 404", function(t)
  t:dial("4000"):expect_hangup { cause = "CALL_REJECTED", status = 603 }
  t:dial("7777"):expect_hangup { cause = "UNALLOCATED_NUMBER", status = 404 }
  t:expect_cdr { answered = false, vars = { route = "default" } }
end)

test("plan:find routes a plain table, without a call (pure)", function(t)
  local dialplan = require "moonswitch.dialplan"
  local plan = dialplan.compile {
    { name = "ext", destination = "^(1%d%d%d)$", run = function() end },
    { name = "night", destination = "0", closed = { hours = { ["mon-fri"] = "09:00-17:00" } },
      transfer = "voicemail" },
    { name = "day", destination = "0", run = function() end },
    clock = function(call) return call.now end,
  }
  local function find(dest, now, caller)
    local route, m = plan:find { destination = dest, caller = caller or "", caller_name = "", vars = {}, now = now }
    return route.name, m
  end
  local name, m = find("1234")
  t:expect(name == "ext" and m[1] == "1234", "ext with its capture: " .. name)
  t:expect(find("0", "2026-11-25T22:00:00") == "night", "0 at night")
  t:expect(find("0", "2026-11-25T10:00:00") == "day", "0 by day")
  t:expect(find("12345") == "default", "no match: the default")
  t:expect(dialplan.match("^8(%d)(%d)$", "812")[2] == "2", "match returns the captures")
  t:expect(dialplan.match("abc", "abc") and not dialplan.match("abc", "abcd"), "equality without ^")
end)

local function err_of(def)
  local ok, e = pcall(require("moonswitch.dialplan").new, def)
  return not ok and e or nil
end

test("malformed routing tables are refused with the route and the key", function(t)
  local cases = {
    { { { destnation = "1", run = "a" } }, "dialplan: route 1: unknown key 'destnation'" },
    { { { destination = "1" } }, "route 1: no action" },
    { { { destination = "1", run = "a", hangup = true } }, "has both 'run' and 'hangup'" },
    { { { name = "x", destination = "^8(%d", run = "a" } }, "route 1 (x): destination: bad pattern" },
    { { { destination = "1", run = "a/b" } }, "run: \"a/b\" is not a module name" },
    { { { destination = "1", hangup = "BUSY" } }, "hangup: unknown cause BUSY" },
    { { { destination = "1", open = "office", run = "a" } }, "no calendar named \"office\"" },
    { { { destination = "1", open = { hours = { mon = "9" } }, run = "a" } }, "open: calendar" },
    { { { destination = "1", header = "X-A", run = "a" } }, "header: expected a table" },
    { { { destination = 1000, run = "a" } }, "destination: expected a string" },
    { { { destination = "1", run = "a" }, defualt = {} }, "unknown key 'defualt'" },
    { { default = { destination = "1", run = "a" } }, "default: takes no condition" },
    { { { destination = "1", menu = { name = "m" } } }, "menu: menu 'm': 'options' must be" },
  }
  for i, case in ipairs(cases) do
    local e = err_of(case[1])
    t:expect(e and e:find(case[2], 1, true), string.format("case %d: %s", i, tostring(e)))
  end
end)
