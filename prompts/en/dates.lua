-- Dates, times, date-times and durations, as a US IVR says them.
--
-- A value is a time in seconds since the epoch (local time, or UTC with
-- opts.utc), a table like os.date("*t") ({year=, month=, day=, hour=, min=,
-- sec=}) or a string: "2024-02-29", "15:05", "15:05:30", "2024-02-29 15:05".

local U = require "util"
local N = require "numbers"

local D = {}

local function leap(y)
  return y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)
end

local MONTH_DAYS = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

local function month_days(y, m)
  return (m == 2 and leap(y)) and 29 or MONTH_DAYS[m]
end

-- Days since 1970-01-01 of a proleptic Gregorian date.
function D.day_number(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

-- 0 = Sunday (digits/day-0) .. 6 = Saturday.
function D.weekday(t)
  return (D.day_number(t.year, t.month, t.day) + 4) % 7
end

local function field(t, k, lo, hi, what, where)
  local v = t[k]
  if v == nil then return nil end
  if math.type(v) ~= "integer" then
    if math.type(v) == "float" and v == math.floor(v) then
      v = math.tointeger(v)
    else
      U.fail("%s must be an integer", what or k)
    end
  end
  if v < lo or v > hi then U.fail("%s %d is out of range %d..%d%s", what or k, v, lo, hi, where or "") end
  return v
end

-- Checks the parts of a date/time table; `need` says which must be there.
local function checked(t, need)
  local out = {
    year = field(t, "year", 1, 9999),
    month = field(t, "month", 1, 12),
    hour = field(t, "hour", 0, 23),
    min = field(t, "min", 0, 59, "minute"),
    sec = field(t, "sec", 0, 60, "second"),
  }
  if need.date then
    if not (out.year and out.month and t.day) then U.fail("a date needs year, month and day") end
    out.day = field(t, "day", 1, month_days(out.year, out.month), "day",
      string.format(" in %04d-%02d", out.year, out.month))
  end
  if need.time then
    if not (out.hour and out.min) then U.fail("a time needs hour and min") end
    out.sec = out.sec or 0
  end
  return out
end

local function from_string(s)
  local y, mo, d, rest = s:match("^(%d%d%d%d)%-(%d%d?)%-(%d%d?)(.*)$")
  local t = {}
  if y then
    t.year, t.month, t.day = tonumber(y), tonumber(mo), tonumber(d)
    if rest == "" then return t end
    rest = rest:match("^[T ](.*)$")
    if not rest then return nil end
  else
    rest = s
  end
  local h, mi, sec = rest:match("^(%d%d?):(%d%d):?(%d*)$")
  if not h then return nil end
  t.hour, t.min, t.sec = tonumber(h), tonumber(mi), tonumber(sec) or 0
  return t
end

-- Reads a value (epoch, table or string) into a checked table.
function D.read(v, need, utc)
  local t
  if type(v) == "number" then
    if v ~= v or v == math.huge or v == -math.huge then U.fail("not a finite time") end
    local ok, r = pcall(os.date, utc and "!*t" or "*t", math.floor(v))
    if not ok or type(r) ~= "table" then U.fail("not a time the system can convert") end
    t = r
  elseif type(v) == "string" then
    t = from_string(v)
    if not t then U.fail("expected \"YYYY-MM-DD\", \"HH:MM[:SS]\" or \"YYYY-MM-DD HH:MM[:SS]\"") end
  elseif type(v) == "table" then
    t = v
  else
    U.fail("expected a time (seconds since the epoch), a date table or a string")
  end
  return checked(t, need)
end

local function read_now(opts)
  if opts.now == nil then return nil end
  local ok, t = pcall(D.read, opts.now, { date = true }, opts.utc)
  if not ok then U.fail("option 'now': %s", t) end
  return t
end

-- ---- dates ----

local RELATIVE = { [-1] = "digits/yesterday", [0] = "digits/today", [1] = "digits/tomorrow" }

-- "today" / "yesterday" / "tomorrow" when t is within a day of now, else nil.
function D.relative(t, now)
  if not now then return nil end
  local diff = D.day_number(t.year, t.month, t.day) - D.day_number(now.year, now.month, now.day)
  return RELATIVE[diff]
end

local TOKENS = { weekday = true, month = true, day = true, year = true }

local function parse_format(f)
  if type(f) ~= "string" then U.fail("option 'format' must be a string such as \"weekday month day year\"") end
  local list = {}
  for tok in f:gmatch("%S+") do
    if not TOKENS[tok] then U.fail("option 'format': unknown part '%s' (weekday, month, day, year)", tok) end
    list[#list + 1] = tok
  end
  if #list == 0 then U.fail("option 'format' is empty") end
  return list
end

-- The date part by format tokens: weekday ("Thursday"), month ("February"),
-- day (ordinal: "twenty ninth"), year ("twenty twenty four").
function D.say_date(t, format, opts, out)
  local style = N.style(opts)
  local year_how = U.choice(opts, "year", { "pairs", "number" }, "pairs")
  for _, tok in ipairs(format) do
    if tok == "weekday" then
      out[#out + 1] = "digits/day-" .. D.weekday(t)
    elseif tok == "month" then
      out[#out + 1] = "digits/mon-" .. (t.month - 1)
    elseif tok == "day" then
      U.extend(out, N.ordinal(t.day, style))
    else
      U.extend(out, N.year(t.year, year_how, style))
    end
  end
  return out
end

-- ---- times ----

-- 12-hour: "three oh five p m", "three p m", "twelve oh five a m", "noon",
-- "midnight"; 24-hour: "fifteen oh five", "fifteen hundred", "zero oh five".
function D.say_time(t, opts, out)
  local clock = U.choice(opts, "clock", { 12, 24 }, 12)
  local words = U.flag(opts, "noon", true)
  local oclock = U.flag(opts, "oclock", false)
  local h, m = t.hour, t.min
  if clock == 24 then
    U.extend(out, N.cardinal(h))
    if m == 0 then
      out[#out + 1] = "digits/hundred"
    elseif m < 10 then
      out[#out + 1] = "digits/oh"
      out[#out + 1] = "digits/" .. m
    else
      U.extend(out, N.cardinal(m))
    end
    return out
  end
  if words and m == 0 and (h == 0 or h == 12) then
    out[#out + 1] = h == 0 and "digits/midnight" or "digits/noon"
    return out
  end
  local h12 = h % 12 == 0 and 12 or h % 12
  U.extend(out, N.cardinal(h12))
  if m == 0 then
    if oclock then out[#out + 1] = "digits/oclock" end
  elseif m < 10 then
    out[#out + 1] = "digits/oh"
    out[#out + 1] = "digits/" .. m
  else
    U.extend(out, N.cardinal(m))
  end
  out[#out + 1] = h < 12 and "digits/a-m" or "digits/p-m"
  return out
end

-- ---- kinds ----

local kinds = {}

local DATE_OPTS = { format = true, year = true, style = true, now = true, utc = true }
local TIME_OPTS = { clock = true, noon = true, oclock = true, utc = true }

-- opts.format (default "weekday month day year"), opts.year ("pairs" or
-- "number"), opts.now: say "today", "yesterday" or "tomorrow" instead.
function kinds.date(value, opts)
  U.check_opts(opts, DATE_OPTS)
  local t = D.read(value, { date = true }, opts.utc)
  local format = parse_format(opts.format or "weekday month day year")
  local rel = D.relative(t, read_now(opts))
  if rel then return { rel } end
  return D.say_date(t, format, opts, {})
end

function kinds.time(value, opts)
  U.check_opts(opts, TIME_OPTS)
  return D.say_time(D.read(value, { time = true }, opts.utc), opts, {})
end

-- "today at three p m"; "Monday February twenty sixth at noon" (with the
-- year when now is not given or is in another year).
function kinds.datetime(value, opts)
  local known = {}
  for k in pairs(DATE_OPTS) do known[k] = true end
  for k in pairs(TIME_OPTS) do known[k] = true end
  U.check_opts(opts, known)
  local t = D.read(value, { date = true, time = true }, opts.utc)
  local now = read_now(opts)
  local out = {}
  local rel = D.relative(t, now)
  if rel then
    out[1] = rel
  else
    local f = opts.format or ((now and now.year == t.year) and "weekday month day" or "weekday month day year")
    D.say_date(t, parse_format(f), opts, out)
  end
  out[#out + 1] = "digits/at"
  return D.say_time(t, opts, out)
end

local UNITS = {
  { 3600, "hour", "hours" },
  { 60, "minute", "minutes" },
  { 1, "second", "seconds" },
}

-- Seconds as "one hour two minutes and five seconds"; zero parts are left
-- out; 0 is "zero seconds". Fractions of a second are dropped.
function kinds.duration(value, opts)
  U.check_opts(opts, { style = true })
  local style = N.style(opts)
  if type(value) == "number" and value == value and value >= 0 and value < math.huge then
    value = math.floor(value)
  end
  local s = N.value(value)
  if s < 0 then U.fail("a duration cannot be negative") end
  local parts = {}
  for _, u in ipairs(UNITS) do
    local n = s // u[1]
    s = s % u[1]
    if n > 0 then parts[#parts + 1] = { n, n == 1 and u[2] or u[3] } end
  end
  if #parts == 0 then return { "digits/0", "seconds" } end
  local out = {}
  for i, p in ipairs(parts) do
    if i == #parts and i > 1 then out[#out + 1] = "vm-and" end
    U.extend(out, N.cardinal(p[1], style))
    out[#out + 1] = p[2]
  end
  return out
end

D.kinds = kinds

return D
