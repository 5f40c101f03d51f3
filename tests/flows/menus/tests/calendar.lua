-- moonswitch.calendar as pure Lua (no calls): every query takes an explicit local time.

local calendar = require "moonswitch.calendar"

local office = calendar.new {
  name = "office",
  hours = { ["mon-fri"] = "09:00-12:30, 13:30-17:00", sat = "10:00-12:00" },
  holidays = { "12-25", "01-01", { date = "2026-08-10..2026-08-14", name = "summer" },
    { date = "12-31..01-02", name = "new year" } },
  exceptions = { ["12-24"] = "09:00-12:00", ["2026-12-26"] = "10:00-11:00", ["2026-12-24"] = "closed" },
}

local function at(s) return calendar.time(s) end
local function is(s) return (office:is_open(s)) end

test("weekday hours, with a lunch break; the end of a span is closed", function(t)
  t:expect(is("2026-11-25T09:00:00"), "Wednesday 09:00 is open")
  t:expect(not is("2026-11-25T08:59:59"), "Wednesday 08:59:59 is closed")
  t:expect(is("2026-11-25T12:29:59"), "12:29:59 open")
  t:expect(not is("2026-11-25T12:30:00"), "12:30 closed (lunch)")
  t:expect(is("2026-11-25T13:30:00"), "13:30 open again")
  t:expect(not is("2026-11-25T17:00:00"), "17:00 closed")
  t:expect(is("2026-11-28T11:59:00") and not is("2026-11-28T12:00:00"), "Saturday 10-12")
  t:expect(not is("2026-11-29T11:00:00"), "Sunday: no hours, closed")
end)

test("holidays: a yearly date, a dated range, a yearly range over the new year", function(t)
  local open, why, name = office:is_open("2026-12-25T10:00:00")
  t:expect(not open and why == "holiday" and name == nil, "Christmas: " .. tostring(why))
  open, why, name = office:is_open("2026-08-12T10:00:00")
  t:expect(not open and why == "holiday" and name == "summer", "summer week: " .. tostring(name))
  t:expect(is("2026-08-17T10:00:00"), "the Monday after the summer week is open")
  t:expect(is("2027-08-11T10:00:00"), "the summer range is 2026 only")
  t:expect(not is("2027-01-01T10:00:00") and is("2027-01-04T10:00"), "new year's day closed, Monday after open")
  t:expect(not is("2026-12-31T10:00:00") and not is("2027-01-02T10:00:00"), "12-31..01-02 closed")
end)

test("exceptions win over holidays and hours; a full date wins over a yearly one", function(t)
  local open, why = office:is_open("2026-12-26T10:30:00") -- a Saturday, with its own hours
  t:expect(open and why == "exception", "2026-12-26 10:30 open by exception")
  t:expect(not is("2026-12-26T11:30:00"), "2026-12-26 11:30 closed (Saturday hours do not apply)")
  t:expect(not is("2026-12-24T10:00:00"), "2026-12-24 closed: the dated exception beats 12-24")
  t:expect(is("2027-12-24T10:00:00") and not is("2027-12-24T12:00:00"), "12-24 of 2027: 9-12")
end)

test("next_open: now when open, else the next opening (skipping holidays)", function(t)
  t:expect(office:next_open("2026-11-25T10:00:00") == at("2026-11-25T10:00:00"), "open: now")
  t:expect(office:next_open("2026-11-25T12:45:00") == at("2026-11-25T13:30:00"), "after lunch")
  t:expect(office:next_open("2026-11-25T18:00:00") == at("2026-11-26T09:00:00"), "next morning")
  t:expect(office:next_open("2026-11-28T13:00:00") == at("2026-11-30T09:00:00"), "Sat -> Mon")
  t:expect(office:next_open("2026-12-24T08:00:00") == at("2026-12-26T10:00:00"), "24, 25 -> 26")
  t:expect(office:next_open("2026-12-30T18:00:00") == at("2027-01-04T09:00:00"), "over new year")
  local never = calendar.new { hours = {} }
  t:expect(never:next_open("2026-11-25T10:00:00") == nil, "never open: nil")
  local always = calendar.new { hours = { ["mon-sun"] = "open" } }
  t:expect(always:is_open("2026-11-29T03:00:00"), "open all day, every day")
end)

test("times: epoch seconds, local strings, tables; bad ones raise", function(t)
  local e = at("2026-11-25T10:00:00")
  t:expect(is(e) and is("2026-11-25 10:00") and is(os.date("*t", e)), "three ways to say it")
  t:expect(calendar.time("2026-11-25T10:00:30") == e + 30, "seconds count")
  local ok, err = pcall(office.is_open, office, "tomorrow at ten")
  t:expect(not ok and err:find("YYYY%-MM%-DDTHH:MM"), tostring(err))
  t:expect(calendar.time("2026-13-01T10:00") == nil, "month 13")
  t:expect(type(office:is_open()) == "boolean", "without a time: now")
end)

test("ranges of days wrap (fri-mon) and lists work (sat,sun)", function(t)
  local c = calendar.new { hours = { ["fri-mon"] = "10:00-11:00", ["tue,thu"] = "14:00-15:00" } }
  t:expect(c:is_open("2026-11-29T10:30"), "Sunday is in fri-mon")
  t:expect(c:is_open("2026-11-30T10:30"), "Monday too")
  t:expect(not c:is_open("2026-11-25T10:30"), "Wednesday is not")
  t:expect(c:is_open("2026-11-26T14:30") and not c:is_open("2026-11-25T14:30"), "Thursday, not Wednesday")
end)

-- The first error line of a definition, or nil.
local function err_of(def)
  local ok, e = pcall(calendar.new, def)
  return not ok and e or nil
end

test("malformed calendars are refused with the calendar and the key", function(t)
  local cases = {
    { { name = "c", hours = { mon = "9-17" } }, "calendar 'c': hours[\"mon\"]: \"9-17\" is not HH:MM-HH:MM" },
    { { hours = { mon = "17:00-09:00" } }, "ends before it starts" },
    { { hours = { mon = "09:00-12:00, 11:00-13:00" } }, "spans overlap" },
    { { hours = { monday = "09:00-17:00" } }, "is not a day or range of days" },
    { { hours = { ["mon-fri"] = "09:00-17:00", wed = "closed" } }, "is given twice" },
    { { hours = { mon = "09:00-24:30" } }, "is not HH:MM-HH:MM" },
    { { holidays = { "2026-02-30x" } }, "holidays[1]: \"2026-02-30x\" is not a date" },
    { { holidays = { "12-25..2026-12-26" } }, "mixes a yearly date and a full date" },
    { { exceptions = { ["13-01"] = "closed" } }, "exceptions[\"13-01\"]: \"13-01\" is not a date" },
    { { hourz = {} }, "unknown key 'hourz'" },
    { "office", "the definition must be a table" },
  }
  for i, case in ipairs(cases) do
    local e = err_of(case[1])
    t:expect(e and e:find(case[2], 1, true), string.format("case %d: %s", i, tostring(e)))
  end
end)
