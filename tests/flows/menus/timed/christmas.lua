-- @time 2026-12-25T10:00:00  (the virtual wall clock: CMakeLists.txt passes it as --time)
-- Time of day on the server's clock (no X-Clock header): needs the virtual wall clock set,
--   moonswitch test -c tests/flows/menus/conf.lua --time 2026-12-25T10:00:00 \
--     tests/flows/menus/timed/christmas.lua
-- Christmas Day, a Friday, 10:00: a holiday in both calendars of the suite.

local function check_clock(t)
  local now = os.date("%Y-%m-%dT%H:%M", os.time())
  t:expect(now:sub(1, 13) == "2026-12-25T10", "run with --time 2026-12-25T10:00:00 (the clock says " .. now .. ")")
end

test("the clock is Christmas morning", function(t)
  check_clock(t)
end)

test("the routing table sends 5000 to the closed message", function(t)
  check_clock(t)
  local c = t:dial("5000")
  c:expect_speech("Sales is closed.")
  c:expect_hangup { by = "server" }
  t:expect_cdr { vars = { route = "sales-closed" } }
end)

test("the menu offers a message instead of the operator", function(t)
  check_clock(t)
  local c = t:dial("menu-hours")
  c:expect_speech("Hello.")
  c:expect_speech("Press 1 for our address.")
  c:expect_speech("Press 0 to leave a message.")
  c:press("0")
  c:expect_speech("Please leave a message.")
end)

test("calendar queries without a time use the server's clock", function(t)
  check_clock(t)
  local cal = require("moonswitch.calendar").new { hours = { ["mon-fri"] = "09:00-17:00" }, holidays = { "12-25" } }
  t:expect(not cal:is_open(), "closed on Christmas")
  t:expect(cal:next_open() == require("moonswitch.calendar").time("2026-12-28T09:00:00"), "open again Monday")
end)
