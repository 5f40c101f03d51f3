-- @time 2026-11-25T16:50:00  (the virtual wall clock: CMakeLists.txt passes it as --time)
-- Time of day on the server's clock (no X-Clock header): needs the virtual wall clock set,
--   moonswitch test -c tests/flows/menus/conf.lua --time 2026-11-25T16:50:00 \
--     tests/flows/menus/timed/weekday.lua
-- A Wednesday at 16:50: open until 17:00; the clock moves with the calls (virtual time).

local function check_clock(t)
  local now = os.date("%Y-%m-%dT%H:%M", os.time())
  t:expect(now:sub(1, 10) == "2026-11-25", "run with --time 2026-11-25T16:50:00 (the clock says " .. now .. ")")
end

test("the routing table sends 5000 to sales, open", function(t)
  check_clock(t)
  t:dial("5000"):expect_speech("Sales is open.")
  t:expect_cdr { vars = { route = "sales-open" } }
end)

test("the menu offers the operator", function(t)
  check_clock(t)
  local c = t:dial("menu-hours")
  c:expect_speech("Hello.")
  c:expect_speech("Press 1 for our address.")
  c:expect_speech("Press 0 for an operator.")
end)

test("a quarter of an hour later (virtual time passes) the office has closed", function(t)
  check_clock(t)
  t:wait(15 * 60 * 1000)
  t:expect(os.date("%H", os.time()) == "17", "the clock followed: " .. os.date("%H:%M", os.time()))
  t:dial("5000"):expect_speech("Sales is closed.")
end)
