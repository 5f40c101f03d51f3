-- moonswitch.calendar: business hours per weekday, holidays and exceptions, in
-- the server's local time (os.date). Pure Lua: every function that reads the
-- clock takes an optional explicit time instead (docs/menus.md#calendar).
--
--   local office = calendar.new {
--     name = "office",
--     hours = { ["mon-fri"] = "09:00-12:30, 13:30-17:00", sat = "10:00-13:00" },
--     holidays = { "01-01", "12-25", "2026-04-03",
--                  { date = "2026-08-10..2026-08-21", name = "summer" } },
--     exceptions = { ["12-24"] = "09:00-12:00", ["2026-12-27"] = "10:00-14:00" },
--   }
--   office:is_open()                         -- now
--   office:is_open("2026-12-25T10:00:00")    -- an explicit local time (or epoch seconds)
--   office:next_open()                       -- epoch seconds of the next opening, or nil

local M = {}
local Calendar = {}
Calendar.__index = Calendar
Calendar.__name = "moonswitch.calendar"

local DAY_NAMES = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" }
local DAY_INDEX = { mon = 1, tue = 2, wed = 3, thu = 4, fri = 5, sat = 6, sun = 7 }
local WDAY_TO_DAY = { 7, 1, 2, 3, 4, 5, 6 } -- os.date's wday (1 = Sunday) -> DAY_NAMES index
local LOOKAHEAD_DAYS = 400                  -- next_open looks this far ahead, then gives up

-- Definition errors carry this marker so that new() can re-raise them at the caller's line.
local Fault = {}
local function fault(fmt, ...)
  error(setmetatable({ msg = string.format(fmt, ...) }, Fault), 0)
end

-- ---- times ---------------------------------------------------------------

-- A time given to a calendar: nil (now), epoch seconds, a local "YYYY-MM-DD[T ]HH:MM[:SS]"
-- string or an os.date("*t")-like table. Returns epoch seconds, or nil and the reason.
function M.time(v)
  if v == nil then return os.time() end
  if math.type(v) == "integer" then return v end
  if type(v) == "number" then return math.floor(v) end
  if type(v) == "table" then
    local ok, t = pcall(os.time, v)
    if ok and t then return t end
    return nil, "a date table needs year, month and day"
  end
  if type(v) ~= "string" then return nil, "expected epoch seconds or a local date-time string" end
  local y, mo, d, h, mi, rest = v:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)[T ](%d%d):(%d%d)(.*)$")
  local s = 0
  if rest and rest ~= "" then
    s = rest:match("^:(%d%d)$")
    if not s then y = nil end
  end
  if not y then return nil, string.format("%q is not YYYY-MM-DDTHH:MM[:SS]", v) end
  y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
  h, mi, s = tonumber(h), tonumber(mi), tonumber(s)
  if mo < 1 or mo > 12 or d < 1 or d > 31 or h > 23 or mi > 59 or s > 59 then
    return nil, string.format("%q is not a valid date-time", v)
  end
  return os.time { year = y, month = mo, day = d, hour = h, min = mi, sec = s }
end

local function time_arg(v, fn)
  local t, why = M.time(v)
  if not t then error("calendar:" .. fn .. ": " .. why, 3) end
  return t
end

-- ---- parsing -------------------------------------------------------------

-- "HH:MM" -> seconds of the day; "24:00" only as an end.
local function clock(s, is_end)
  local h, m = s:match("^(%d%d?):(%d%d)$")
  h, m = tonumber(h), tonumber(m)
  if not h or m > 59 or h > 24 or (h == 24 and (m ~= 0 or not is_end)) then return nil end
  return h * 3600 + m * 60
end

-- "09:00-12:30, 13:30-17:00" | "closed" | "open" | {"09:00-12:00", ...} -> sorted list of
-- {from, to} in seconds of the day, not overlapping.
local function parse_spans(v, where)
  if v == false or v == "closed" then return {} end
  if v == true or v == "open" then return { { 0, 86400 } } end
  local parts = {}
  if type(v) == "string" then
    for p in v:gmatch("[^,]+") do parts[#parts + 1] = p:match("^%s*(.-)%s*$") end
  elseif type(v) == "table" then
    for i, p in ipairs(v) do
      if type(p) ~= "string" then fault("%s[%d]: expected \"HH:MM-HH:MM\"", where, i) end
      parts[i] = p
    end
  else
    fault("%s: expected \"HH:MM-HH:MM[, ...]\", \"closed\" or \"open\", got %s", where, type(v))
  end
  local spans = {}
  for _, p in ipairs(parts) do
    local a, b = p:match("^(%d%d?:%d%d)%s*%-%s*(%d%d?:%d%d)$")
    local from, to = a and clock(a, false), b and clock(b, true)
    if not from or not to then fault("%s: %q is not HH:MM-HH:MM (00:00 to 24:00)", where, p) end
    if to <= from then
      fault("%s: %q ends before it starts (across midnight: one span to 24:00, one from 00:00 "
        .. "on the next day)", where, p)
    end
    spans[#spans + 1] = { from, to }
  end
  if #spans == 0 then fault("%s: no hours given (write \"closed\")", where) end
  table.sort(spans, function(x, y) return x[1] < y[1] end)
  for i = 2, #spans do
    if spans[i][1] < spans[i - 1][2] then fault("%s: spans overlap", where) end
  end
  return spans
end

-- "mon", "mon-fri", "sat,sun", "fri-mon" -> list of day indexes (1 = Monday).
local function parse_days(key, where)
  if type(key) ~= "string" then fault("%s: day keys are names such as \"mon-fri\"", where) end
  local days = {}
  for part in key:gmatch("[^,]+") do
    part = part:match("^%s*(.-)%s*$"):lower()
    local a, b = part:match("^(%a+)%s*%-%s*(%a+)$")
    a, b = a or part, b or part
    local i, j = DAY_INDEX[a], DAY_INDEX[b]
    if not i or not j then
      fault("%s: %q is not a day or range of days (mon tue wed thu fri sat sun)", where, key)
    end
    while true do
      days[#days + 1] = i
      if i == j then break end
      i = i % 7 + 1
    end
  end
  return days
end

-- A date spec: "YYYY-MM-DD", "MM-DD" (every year), or a range "A..B" of either kind.
-- Returns { yearly = bool, from = key, to = key, days = length } where keys compare as
-- numbers (YYYYMMDD or MMDD).
local function parse_date(s, where)
  if type(s) ~= "string" then fault("%s: expected a date \"YYYY-MM-DD\" or \"MM-DD\"", where) end
  local function one(d)
    local y, m, dd = d:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
    if not y then m, dd = d:match("^(%d%d)%-(%d%d)$") end
    m, dd = tonumber(m), tonumber(dd)
    if not m or m < 1 or m > 12 or dd < 1 or dd > 31 then
      fault("%s: %q is not a date (YYYY-MM-DD, or MM-DD for every year)", where, d)
    end
    return y and (tonumber(y) * 10000 + m * 100 + dd) or (m * 100 + dd), y == nil
  end
  local a, b = s:match("^%s*(.-)%s*%.%.%s*(.-)%s*$")
  local from, yearly = one(a or s:match("^%s*(.-)%s*$"))
  local to, yearly2 = from, yearly
  if a then to, yearly2 = one(b) end
  if yearly ~= yearly2 then fault("%s: %q mixes a yearly date and a full date", where, s) end
  if not yearly and to < from then fault("%s: %q ends before it starts", where, s) end
  local days = yearly and ((to - from) % 1300 + 1) or (to - from + 1) -- only used to rank specs
  return { yearly = yearly, from = from, to = to, days = days, spec = s }
end

local function date_matches(spec, t)
  if spec.yearly then
    local k = t.month * 100 + t.day
    if spec.from <= spec.to then return k >= spec.from and k <= spec.to end
    return k >= spec.from or k <= spec.to -- "12-24..01-02" wraps over the new year
  end
  local k = t.year * 10000 + t.month * 100 + t.day
  return k >= spec.from and k <= spec.to
end

-- Full dates before yearly ones, then shorter before longer: the most specific wins.
local function more_specific(a, b)
  if a.yearly ~= b.yearly then return not a.yearly end
  if a.days ~= b.days then return a.days < b.days end
  return a.spec < b.spec
end

local KNOWN = { name = true, hours = true, holidays = true, exceptions = true }

local function build(def)
  if type(def) ~= "table" then fault("calendar: the definition must be a table") end
  if def.name ~= nil and type(def.name) ~= "string" then
    fault("calendar: 'name' must be a string")
  end
  local name = def.name or "calendar"
  local where = string.format("calendar '%s'", name)
  for k in pairs(def) do
    if not KNOWN[k] then fault("%s: unknown key '%s'", where, tostring(k)) end
  end
  local cal = setmetatable({ name = name, week = {}, holidays = {}, exceptions = {} }, Calendar)
  if def.hours ~= nil and type(def.hours) ~= "table" then
    fault("%s: 'hours' must be a table such as { [\"mon-fri\"] = \"09:00-17:00\" }", where)
  end
  for key, v in pairs(def.hours or {}) do
    local w = string.format("%s: hours[%q]", where, tostring(key))
    local spans = parse_spans(v, w)
    for _, d in ipairs(parse_days(key, w)) do
      if cal.week[d] then fault("%s: %s is given twice", w, DAY_NAMES[d]) end
      cal.week[d] = spans
    end
  end
  if def.holidays ~= nil and type(def.holidays) ~= "table" then
    fault("%s: 'holidays' must be a list of dates", where)
  end
  for i, h in ipairs(def.holidays or {}) do
    local w = string.format("%s: holidays[%d]", where, i)
    local spec
    if type(h) == "table" then
      spec = parse_date(h.date, w .. ".date")
      if h.name ~= nil and type(h.name) ~= "string" then fault("%s.name must be a string", w) end
      spec.name = h.name
    else
      spec = parse_date(h, w)
    end
    cal.holidays[#cal.holidays + 1] = spec
  end
  if def.exceptions ~= nil and type(def.exceptions) ~= "table" then
    fault("%s: 'exceptions' must be a table { [date] = hours }", where)
  end
  for key, v in pairs(def.exceptions or {}) do
    local w = string.format("%s: exceptions[%q]", where, tostring(key))
    local spec = parse_date(key, w)
    spec.spans = parse_spans(v, w)
    cal.exceptions[#cal.exceptions + 1] = spec
  end
  table.sort(cal.holidays, more_specific)
  table.sort(cal.exceptions, more_specific)
  return cal
end

-- calendar.new(def) -> calendar; a malformed definition raises at the caller's line,
-- naming the calendar and the key.
function M.new(def)
  local ok, cal = pcall(build, def)
  if ok then return cal end
  if getmetatable(cal) == Fault then error(cal.msg, 2) end
  error(cal, 0)
end

function M.is_calendar(v)
  return getmetatable(v) == Calendar
end

-- ---- queries -------------------------------------------------------------

-- The opening spans of a local date (a table with year, month, day, wday), and why:
-- "exception", "holiday" (with its name) or "hours".
function Calendar:day(t)
  for _, e in ipairs(self.exceptions) do
    if date_matches(e, t) then return e.spans, "exception" end
  end
  for _, h in ipairs(self.holidays) do
    if date_matches(h, t) then return {}, "holiday", h.name end
  end
  return self.week[WDAY_TO_DAY[t.wday]] or {}, "hours"
end

-- Whether the calendar is open at `now` (default: the current time). Second result:
-- "hours", "holiday" or "exception" (what decided); third: the holiday's name.
function Calendar:is_open(now)
  local t = os.date("*t", time_arg(now, "is_open"))
  local spans, why, holiday = self:day(t)
  local sec = t.hour * 3600 + t.min * 60 + t.sec
  for _, s in ipairs(spans) do
    if sec >= s[1] and sec < s[2] then return true, why end
  end
  return false, why, holiday
end

-- The epoch time of the next opening at or after `now` (now itself when open), or nil
-- when the calendar does not open within 400 days.
function Calendar:next_open(now)
  now = time_arg(now, "next_open")
  if self:is_open(now) then return now end
  local base = os.date("*t", now)
  for i = 0, LOOKAHEAD_DAYS do
    -- noon of the i-th day: normalised by os.time, safe from daylight-saving shifts
    local noon = os.time { year = base.year, month = base.month, day = base.day + i, hour = 12 }
    local t = os.date("*t", noon)
    for _, s in ipairs((self:day(t))) do
      local at = os.time { year = t.year, month = t.month, day = t.day, hour = s[1] // 3600,
        min = s[1] % 3600 // 60, sec = 0 }
      if at > now then return at end
    end
  end
  return nil
end

function Calendar:__tostring()
  return "moonswitch.calendar (" .. self.name .. ")"
end

return M
