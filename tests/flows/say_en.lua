-- The English say tables (prompts/en) through moonswitch.say: the sound
-- lists for tricky values, the errors for bad ones, the mapping onto other
-- sound sets, and a check that every sound the module can produce is in
-- sounds/en/words.list, in prompts/en/words.lua and rendered in the build.
-- No calls: pure Lua.
--
-- The rendered sounds are looked for in $MOONSWITCH_SOUNDS_EN, beside the
-- moonswitch binary that runs the test (<build>/sounds/en), in ./sounds/en
-- (ctest runs in the build directory) and in <source>/build/sounds/en.

local say = require "moonswitch.say"

local here = debug.getinfo(1, "S").source:match("^@(.*)$"):match("^(.*)/[^/]*$") or "."
local root = here .. "/../.."
local prompts = root .. "/prompts"

local function load_en(opts)
  local lang, err = say.language(prompts, "en", opts)
  assert(lang, err)
  return lang
end

local en = load_en()

-- A list as one line: names as they are, {speak = "x"} as {x}, pauses as <ms>.
local function show(list)
  local parts = {}
  for i, e in ipairs(list) do
    if type(e) == "string" then
      parts[i] = e
    elseif e.speak then
      parts[i] = "{" .. e.speak .. "}"
    else
      parts[i] = "<" .. tostring(e.pause) .. ">"
    end
  end
  return table.concat(parts, " ")
end

local function repr(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" then return tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. repr(v[k]) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- Runs cases {kind, value, expected (space-separated), opts} and fails once
-- with every mismatch.
local function check(t, lang, cases)
  local bad = {}
  for _, c in ipairs(cases) do
    local kind, value, want, opts = c[1], c[2], c[3], c[4]
    local list, err = lang:try_sounds(kind, value, opts)
    local got = list and show(list) or ("error: " .. err)
    if got ~= want then
      bad[#bad + 1] = string.format("  %s %s %s\n      got:  %s\n      want: %s", kind, repr(value),
        opts and repr(opts) or "", got, want)
    end
  end
  t:expect(#bad == 0, "wrong sound lists:\n" .. table.concat(bad, "\n"))
end

local function check_phrases(t, lang, cases)
  local bad = {}
  for _, c in ipairs(cases) do
    local list, err = lang:try_phrase(c[1], c[2])
    local got = list and show(list) or ("error: " .. err)
    if got ~= c[3] then
      bad[#bad + 1] = string.format("  %s %s\n      got:  %s\n      want: %s", c[1], repr(c[2]), got, c[3])
    end
  end
  t:expect(#bad == 0, "wrong phrases:\n" .. table.concat(bad, "\n"))
end

-- Expects each {kind, value, opts} to fail with a message containing `part`.
local function check_errors(t, lang, cases)
  local bad = {}
  for _, c in ipairs(cases) do
    local list, err = lang:try_sounds(c[1], c[2], c[4])
    if list then
      bad[#bad + 1] = string.format("  %s %s: no error, got %s", c[1], repr(c[2]), show(list))
    elseif not err:find(c[3], 1, true) then
      bad[#bad + 1] = string.format("  %s %s: error %q lacks %q", c[1], repr(c[2]), err, c[3])
    end
  end
  t:expect(#bad == 0, "wrong errors:\n" .. table.concat(bad, "\n"))
end

-- ---- numbers ---------------------------------------------------------------

test("cardinals: zero, the teens, hundreds, thousands, millions", function(t)
  local teens = {}
  for n = 11, 19 do
    teens[#teens + 1] = { "number", n, "digits/" .. n }
  end
  check(t, en, teens)
  check(t, en, {
    { "number", 0, "digits/0" },
    { "number", 7, "digits/7" },
    { "number", 20, "digits/20" },
    { "number", 21, "digits/20 digits/1" },
    { "number", 99, "digits/90 digits/9" },
    { "number", 100, "digits/1 digits/hundred" },
    { "number", 101, "digits/1 digits/hundred digits/1" },
    { "number", 110, "digits/1 digits/hundred digits/10" },
    { "number", 115, "digits/1 digits/hundred digits/15" },
    { "number", 1000, "digits/1 digits/thousand" },
    { "number", 1005, "digits/1 digits/thousand digits/5" },
    { "number", 1100, "digits/1 digits/thousand digits/1 digits/hundred" },
    { "number", 12345, "digits/12 digits/thousand digits/3 digits/hundred digits/40 digits/5" },
    { "number", 1000000, "digits/1 digits/million" },
    { "number", 1000001, "digits/1 digits/million digits/1" },
    { "number", 2000000000, "digits/2 digits/billion" },
    { "number", 999999999999, "digits/9 digits/hundred digits/90 digits/9 digits/billion "
      .. "digits/9 digits/hundred digits/90 digits/9 digits/million "
      .. "digits/9 digits/hundred digits/90 digits/9 digits/thousand "
      .. "digits/9 digits/hundred digits/90 digits/9" },
    { "number", "0042", "digits/40 digits/2" },
    { "number", 3.0, "digits/3" },
  })
end)

test("cardinals: negative numbers", function(t)
  check(t, en, {
    { "number", -1, "digits/minus digits/1" },
    { "number", -15, "digits/minus digits/15" },
    { "number", -1000001, "digits/minus digits/1 digits/million digits/1" },
    { "number", "-250", "digits/minus digits/2 digits/hundred digits/50" },
  })
end)

test("cardinals: British style says 'and'", function(t)
  local gb = { style = "and" }
  check(t, en, {
    { "number", 5, "digits/5", gb },
    { "number", 100, "digits/1 digits/hundred", gb },
    { "number", 105, "digits/1 digits/hundred vm-and digits/5", gb },
    { "number", 1005, "digits/1 digits/thousand vm-and digits/5", gb },
    { "number", 1100, "digits/1 digits/thousand digits/1 digits/hundred", gb },
    { "number", 1205, "digits/1 digits/thousand digits/2 digits/hundred vm-and digits/5", gb },
    { "number", 1000001, "digits/1 digits/million vm-and digits/1", gb },
    { "number", 305000, "digits/3 digits/hundred vm-and digits/5 digits/thousand", gb },
    { "number", 105, "digits/1 digits/hundred digits/5", { style = "us" } },
  })
end)

test("ordinals", function(t)
  check(t, en, {
    { "ordinal", 1, "digits/h-1" },
    { "ordinal", 2, "digits/h-2" },
    { "ordinal", 3, "digits/h-3" },
    { "ordinal", 11, "digits/h-11" },
    { "ordinal", 12, "digits/h-12" },
    { "ordinal", 13, "digits/h-13" },
    { "ordinal", 20, "digits/h-20" },
    { "ordinal", 21, "digits/20 digits/h-1" },
    { "ordinal", 22, "digits/20 digits/h-2" },
    { "ordinal", 40, "digits/h-40" },
    { "ordinal", 100, "digits/1 digits/h-hundred" },
    { "ordinal", 101, "digits/1 digits/hundred digits/h-1" },
    { "ordinal", 101, "digits/1 digits/hundred vm-and digits/h-1", { style = "and" } },
    { "ordinal", 111, "digits/1 digits/hundred digits/h-11" },
    { "ordinal", 1000, "digits/1 digits/h-thousand" },
    { "ordinal", 1000000, "digits/1 digits/h-million" },
    { "ordinal", 2000000000, "digits/2 digits/h-billion" },
  })
end)

test("digits, one by one", function(t)
  check(t, en, {
    { "digits", "0123", "digits/0 digits/1 digits/2 digits/3" },
    { "digits", "10", "digits/1 digits/oh", { zero = "oh" } },
    { "digits", 405, "digits/4 digits/0 digits/5" },
    { "digits", "*#", "digits/star digits/pound" },
  })
end)

test("numbers: bad values raise errors naming the kind and the value", function(t)
  check_errors(t, en, {
    { "number", "abc", 'say number "abc": expected an integer' },
    { "number", 1.5, "say number 1.5: expected an integer" },
    { "number", 0 / 0, "expected an integer" },
    { "number", 1000000000000, "out of range" },
    { "number", -1000000000000, "out of range" },
    { "number", "99999999999999999999999", "out of range" },
    { "number", nil, "say number nil: expected an integer, got a nil" },
    { "number", {}, "expected an integer, got a table" },
    { "number", 5, "unknown option 'styel'", { styel = "and" } },
    { "number", 5, "option 'style' must be", { style = "uk" } },
    { "ordinal", 0, "an ordinal must be 1 or more" },
    { "ordinal", -3, "an ordinal must be 1 or more" },
    { "digits", "12a", 'say digits "12a"' },
    { "digits", "", "empty" },
    { "digits", -5, "expected a string of digits" },
    { "nonsense", 1, 'unknown kind "nonsense"' },
  })
  local ok, err = pcall(en.sounds, en, "number", "x")
  t:expect(not ok and err:find('say number "x": expected an integer', 1, true), "sounds() raises: " .. tostring(err))
  ok, err = pcall(en.sounds, en, 5, 1)
  t:expect(not ok and err:find("the kind must be a string", 1, true), "a bad kind raises: " .. tostring(err))
  ok, err = pcall(en.sounds, en, "number", 1, "and")
  t:expect(not ok and err:find("options must be a table", 1, true), "bad options raise: " .. tostring(err))
end)

-- ---- money -----------------------------------------------------------------

test("money: dollars and cents", function(t)
  check(t, en, {
    { "money", 12.34, "digits/12 digits/dollars vm-and digits/30 digits/4 digits/cents" },
    { "money", "12.34", "digits/12 digits/dollars vm-and digits/30 digits/4 digits/cents" },
    { "money", 5, "digits/5 digits/dollars" },            -- zero cents are not said
    { "money", "5.00", "digits/5 digits/dollars" },
    { "money", 0.5, "digits/50 digits/cents" },           -- zero dollars are not said
    { "money", "0.05", "digits/5 digits/cents" },
    { "money", ".5", "digits/50 digits/cents" },
    { "money", 0.01, "digits/1 digits/cent" },
    { "money", 1, "digits/1 digits/dollar" },
    { "money", 1.01, "digits/1 digits/dollar vm-and digits/1 digits/cent" },
    { "money", 0, "digits/0 digits/dollars" },
    { "money", "0.00", "digits/0 digits/dollars" },
    { "money", -5.25, "digits/minus digits/5 digits/dollars vm-and digits/20 digits/5 digits/cents" },
    { "money", "-0.01", "digits/minus digits/1 digits/cent" },
    { "money", "$1,000", "error: say money \"$1,000\": expected an amount such as \"12.34\"" },
    { "money", 0.29, "digits/20 digits/9 digits/cents" }, -- 0.29 * 100 is 28.999...
    { "money", 2.675, "digits/2 digits/dollars vm-and digits/60 digits/8 digits/cents" },
    { "money", "$1000", "digits/1 digits/thousand digits/dollars" },
    { "money", 105, "digits/1 digits/hundred vm-and digits/5 digits/dollars", { style = "and" } },
  })
  check_errors(t, en, {
    { "money", "1.234", "more than two decimals" },
    { "money", "abc", "expected an amount" },
    { "money", "", "expected an amount" },
    { "money", {}, "expected a number or a string" },
    { "money", 1 / 0, "not a finite number" },
    { "money", 1e15, "out of range" },
  })
end)

-- ---- dates and times -------------------------------------------------------

test("time: midnight, noon, a.m. and p.m.", function(t)
  check(t, en, {
    { "time", "00:00", "digits/midnight" },
    { "time", "12:00", "digits/noon" },
    { "time", "00:05", "digits/12 digits/oh digits/5 digits/a-m" },
    { "time", "12:05", "digits/12 digits/oh digits/5 digits/p-m" },
    { "time", "00:00", "digits/12 digits/a-m", { noon = false } },
    { "time", "12:00", "digits/12 digits/p-m", { noon = false } },
    { "time", "09:00", "digits/9 digits/a-m" },
    { "time", "09:00", "digits/9 digits/oclock digits/a-m", { oclock = true } },
    { "time", "11:59", "digits/11 digits/50 digits/9 digits/a-m" },
    { "time", "13:10", "digits/1 digits/10 digits/p-m" },
    { "time", "23:45:59", "digits/11 digits/40 digits/5 digits/p-m" },
    { "time", { hour = 15, min = 5 }, "digits/3 digits/oh digits/5 digits/p-m" },
    { "time", 0, "digits/midnight", { utc = true } },
    { "time", 1709217900, "digits/2 digits/40 digits/5 digits/p-m", { utc = true } }, -- 2024-02-29 14:45 UTC
    { "time", "15:00", "digits/15 digits/hundred", { clock = 24 } },
    { "time", "15:05", "digits/15 digits/oh digits/5", { clock = 24 } },
    { "time", "00:30", "digits/0 digits/30", { clock = 24 } },
  })
  check_errors(t, en, {
    { "time", "24:00", "hour 24 is out of range 0..23" },
    { "time", "12:60", "minute 60 is out of range 0..59" },
    { "time", "noon", "expected \"YYYY-MM-DD\"" },
    { "time", { hour = 3 }, "a time needs hour and min" },
    { "time", { hour = 3.5, min = 0 }, "hour must be an integer" },
    { "time", "12:00", "option 'clock' must be 12 or 24", { clock = 13 } },
    { "time", "12:00", "unknown option 'format'", { format = "x" } },
  })
end)

test("date: leap days, weekdays, years", function(t)
  check(t, en, {
    { "date", "2024-02-29", "digits/day-4 digits/mon-1 digits/20 digits/h-9 digits/20 digits/20 digits/4" },
    { "date", { year = 2000, month = 2, day = 29 }, "digits/day-2 digits/mon-1 digits/20 digits/h-9 digits/2 digits/thousand" },
    { "date", "2000-01-01", "digits/day-6 digits/mon-0 digits/h-1 digits/2 digits/thousand" },
    { "date", "1999-12-31", "digits/day-5 digits/mon-11 digits/30 digits/h-1 digits/19 digits/90 digits/9" },
    { "date", "2005-07-04", "digits/day-1 digits/mon-6 digits/h-4 digits/2 digits/thousand digits/5" },
    { "date", "1905-03-03", "digits/day-5 digits/mon-2 digits/h-3 digits/19 digits/oh digits/5" },
    { "date", "1900-01-01", "digits/day-1 digits/mon-0 digits/h-1 digits/19 digits/hundred" },
    { "date", "2010-10-10", "digits/day-0 digits/mon-9 digits/h-10 digits/20 digits/10" },
    { "date", "2024-02-29", "digits/mon-1 digits/20 digits/h-9", { format = "month day" } },
    { "date", "2024-02-29", "digits/2 digits/thousand digits/20 digits/4", { format = "year", year = "number" } },
    { "date", 1709217900, "digits/day-4 digits/mon-1 digits/20 digits/h-9 digits/20 digits/20 digits/4", { utc = true } },
    { "date", "2024-02-29", "digits/today", { now = "2024-02-29 23:59" } },
  })
  check_errors(t, en, {
    { "date", "2023-02-29", "day 29 is out of range 1..28 in 2023-02" },
    { "date", "1900-02-29", "day 29 is out of range 1..28 in 1900-02" },
    { "date", "2024-13-01", "month 13 is out of range 1..12" },
    { "date", "2024-04-31", "day 31 is out of range 1..30" },
    { "date", "12:00", "a date needs year, month and day" },
    { "date", "2024-02-29", "unknown part 'weekdays'", { format = "weekdays" } },
    { "date", "2024-02-29", "option 'now'", { now = "yesterday" } },
    { "date", true, "expected a time" },
  })
end)

test("datetime: today, yesterday and tomorrow around midnight", function(t)
  check(t, en, {
    { "datetime", "2024-02-29 15:05", "digits/today digits/at digits/3 digits/oh digits/5 digits/p-m",
      { now = "2024-02-29 00:00" } },
    { "datetime", "2024-02-28 23:59", "digits/yesterday digits/at digits/11 digits/50 digits/9 digits/p-m",
      { now = "2024-02-29 00:01" } },
    { "datetime", "2024-02-29 00:01", "digits/tomorrow digits/at digits/12 digits/oh digits/1 digits/a-m",
      { now = "2024-02-28 23:59" } },
    { "datetime", "2024-02-29 00:00", "digits/today digits/at digits/midnight",
      { now = "2024-02-29 23:59" } },
    { "datetime", "2023-12-31 23:30", "digits/yesterday digits/at digits/11 digits/30 digits/p-m",
      { now = "2024-01-01 00:10" } },
    { "datetime", "2024-02-26 12:00", "digits/day-1 digits/mon-1 digits/20 digits/h-6 digits/at digits/noon",
      { now = "2024-02-29 09:00" } },
    { "datetime", "2023-02-26 12:00",
      "digits/day-0 digits/mon-1 digits/20 digits/h-6 digits/20 digits/20 digits/3 digits/at digits/noon",
      { now = "2024-02-29 09:00" } },
    { "datetime", "2024-02-29 09:30",
      "digits/day-4 digits/mon-1 digits/20 digits/h-9 digits/20 digits/20 digits/4 digits/at digits/9 digits/30 digits/a-m" },
    { "datetime", 1709164740, "digits/yesterday digits/at digits/11 digits/50 digits/9 digits/p-m",
      { now = 1709164860, utc = true } }, -- 2024-02-28 23:59 and 2024-02-29 00:01 UTC
  })
  check_errors(t, en, {
    { "datetime", "2024-02-29", "a time needs hour and min" },
    { "datetime", "2024-02-30 10:00", "day 30 is out of range" },
  })
end)

test("duration", function(t)
  check(t, en, {
    { "duration", 0, "digits/0 seconds" },
    { "duration", 1, "digits/1 second" },
    { "duration", 59, "digits/50 digits/9 seconds" },
    { "duration", 60, "digits/1 minute" },
    { "duration", 61, "digits/1 minute vm-and digits/1 second" },
    { "duration", 3600, "digits/1 hour" },
    { "duration", 3725, "digits/1 hour digits/2 minutes vm-and digits/5 seconds" },
    { "duration", 7260, "digits/2 hours vm-and digits/1 minute" },
    { "duration", 90000, "digits/20 digits/5 hours" },
    { "duration", 12.9, "digits/12 seconds" },
  })
  check_errors(t, en, {
    { "duration", -1, "a duration cannot be negative" },
    { "duration", "soon", "expected an integer" },
  })
end)

-- ---- telephone numbers, extensions, addresses, spelling --------------------

test("telephone numbers: NANP grouping, other numbers digit by digit", function(t)
  check(t, en, {
    { "phone", "5551234567", "digits/5 digits/5 digits/5 <300> digits/1 digits/2 digits/3 <300> digits/4 digits/5 digits/6 digits/7" },
    { "phone", "(555) 123-4567", "digits/5 digits/5 digits/5 <300> digits/1 digits/2 digits/3 <300> digits/4 digits/5 digits/6 digits/7" },
    { "phone", "+1 555.123.4567", "digits/1 <300> digits/5 digits/5 digits/5 <300> digits/1 digits/2 digits/3 <300> digits/4 digits/5 digits/6 digits/7" },
    { "phone", "15551234567", "digits/1 <300> digits/5 digits/5 digits/5 <300> digits/1 digits/2 digits/3 <300> digits/4 digits/5 digits/6 digits/7" },
    { "phone", "123-4567", "digits/1 digits/2 digits/3 <300> digits/4 digits/5 digits/6 digits/7" },
    { "phone", "+44 20 7946 0958", "digits/4 digits/4 digits/2 digits/0 digits/7 digits/9 digits/4 digits/6 digits/0 digits/9 digits/5 digits/8" },
    { "phone", "25551234567", "digits/2 digits/5 digits/5 digits/5 digits/1 digits/2 digits/3 digits/4 digits/5 digits/6 digits/7" },
    { "phone", 911, "digits/9 digits/1 digits/1" },
    { "phone", "5551234567", "digits/5 digits/5 digits/5 digits/1 digits/2 digits/3 digits/4 digits/5 digits/6 digits/7", { pause = 0 } },
    { "phone", "1234567", "digits/1 digits/2 digits/3 <500> digits/4 digits/5 digits/6 digits/7", { pause = 500 } },
    { "phone", "2015550100", "digits/2 digits/oh digits/1 <300> digits/5 digits/5 digits/5 <300> digits/oh digits/1 digits/oh digits/oh", { zero = "oh" } },
  })
  check_errors(t, en, {
    { "phone", "555-CALL", "expected only the characters" },
    { "phone", "1+2", "'+' may only start the number" },
    { "phone", "()", "no digits" },
    { "phone", "5551234", "option 'pause'", { pause = -1 } },
  })
end)

test("pauses can be turned off for players without silence", function(t)
  local nopause = load_en { pauses = false }
  check(t, nopause, {
    { "phone", "1234567", "digits/1 digits/2 digits/3 digits/4 digits/5 digits/6 digits/7" },
  })
end)

test("extensions, IP addresses", function(t)
  check(t, en, {
    { "extension", "1001", "extension digits/1 digits/0 digits/0 digits/1" },
    { "extension", 42, "digits/4 digits/2", { prefix = false } },
    { "ip", "192.168.1.10", "digits/1 digits/9 digits/2 letters/dot digits/1 digits/6 digits/8 letters/dot digits/1 letters/dot digits/1 digits/0" },
    { "ip", "10.0.0.254", "digits/1 digits/0 letters/dot digits/0 letters/dot digits/0 letters/dot digits/2 digits/5 digits/4" },
    { "ip", "10.0.0.1", "digits/10 letters/dot digits/0 letters/dot digits/0 letters/dot digits/1", { octets = "number" } },
    { "ip", "010.1.1.1", "digits/1 digits/0 letters/dot digits/1 letters/dot digits/1 letters/dot digits/1" },
  })
  check_errors(t, en, {
    { "ip", "256.1.1.1", "part 1 (256) is not 0..255" },
    { "ip", "1.2.3", "expected an IPv4 address" },
    { "ip", "::1", "expected an IPv4 address" },
    { "ip", 12, "expected a string" },
    { "extension", "12a", "expected only the characters" },
  })
end)

test("letters and the phonetic alphabet", function(t)
  check(t, en, {
    { "letters", "Abc", "letters/a letters/b letters/c" },
    { "letters", "jo.doe@example.com",
      "letters/j letters/o letters/dot letters/d letters/o letters/e letters/at letters/e letters/x "
      .. "letters/a letters/m letters/p letters/l letters/e letters/dot letters/c letters/o letters/m" },
    { "letters", "A-1 b_2", "letters/a letters/dash digits/1 letters/space letters/b letters/ascii95 digits/2" },
    { "letters", "#*!$?", "digits/pound letters/asterisk letters/exclaimation-point letters/ascii36 letters/ascii63" },
    { "letters", "z", "letters/z" },
    { "letters", "z", "letters/zed", { zed = true } },
    { "letters", 42, "digits/4 digits/2" },
    { "phonetic", "SOS", "phonetic/s_p phonetic/o_p phonetic/s_p" },
    { "phonetic", "x9", "phonetic/x_p phonetic/9_p" },
    { "phonetic", "9", "digits/9", { niner = false } },
    { "phonetic", "a-1", "phonetic/a_p letters/dash digits/1" },
  })
  check_errors(t, en, {
    { "letters", "", "empty" },
    { "letters", "caf\xc3\xa9", "only ASCII characters can be spelled" },
    { "letters", "a\tb", "cannot spell character" },
    { "letters", {}, "expected a string" },
    { "phonetic", "a", "option 'niner' must be true or false", { niner = "yes" } },
  })
end)

-- ---- named phrases ---------------------------------------------------------

test("named phrases", function(t)
  check_phrases(t, en, {
    { "vm.new_messages", { count = 0 }, "vm-youhave vm-no vm-INBOX vm-messages" },
    { "vm.new_messages", { count = 1 }, "vm-youhave digits/1 vm-INBOX vm-message" },
    { "vm.new_messages", { count = 3 }, "vm-youhave digits/3 vm-INBOX vm-messages" },
    { "vm.new_messages", { count = 21 }, "vm-youhave digits/20 digits/1 vm-INBOX vm-messages" },
    { "vm.messages", {}, "vm-youhave vm-no vm-messages" },
    { "vm.messages", { new = 2, old = 1 }, "vm-youhave digits/2 vm-INBOX vm-messages vm-and digits/1 vm-Old vm-message" },
    { "vm.messages", { old = 4 }, "vm-youhave digits/4 vm-Old vm-messages" },
    { "vm.message_number", { number = 1 }, "vm-first vm-message" },
    { "vm.message_number", { number = 4 }, "vm-message digits/4" },
    { "vm.message_number", { number = 4, last = true }, "vm-last vm-message" },
    { "vm.received", { time = "2024-02-29 15:05", now = "2024-02-29 16:00" },
      "vm-received digits/today digits/at digits/3 digits/oh digits/5 digits/p-m" },
    { "queue.position", { position = 1 }, "queue-youarenext" },
    { "queue.position", { position = 4 }, "queue-thereare digits/4" },
    { "queue.hold_time", { seconds = 30 }, "queue-holdtime queue-less-than digits/1 queue-minute" },
    { "queue.hold_time", { seconds = 60 }, "queue-holdtime digits/1 queue-minute" },
    { "queue.hold_time", { seconds = 61 }, "queue-holdtime digits/2 queue-minutes" },
    { "queue.hold_time", { seconds = 200 }, "queue-holdtime digits/4 queue-minutes" },
    { "time.now", { now = "2024-02-29 15:05" }, "the-time-is digits/3 digits/oh digits/5 digits/p-m" },
    { "time.now", { now = "2024-02-29 12:00" }, "the-time-is digits/noon" },
    { "time.now", { now = "2024-02-29 15:05", clock = 24 }, "the-time-is digits/15 digits/oh digits/5" },
    { "menu.option", { key = "1", option = "demo/sales" }, "for demo/sales vm-press digits/1" },
    { "menu.option", { key = 2, option = { speak = "support" } }, "for {support} vm-press digits/2" },
    { "input.entered", { digits = "12#" }, "you-entered digits/1 digits/2 digits/pound" },
  })
  local now = en:phrase("time.now")
  t:expect(now[1] == "the-time-is" and #now >= 2, "time.now without arguments: " .. show(now))
end)

test("named phrases: bad arguments raise errors", function(t)
  local cases = {
    { "vm.new_messages", {}, "phrase vm.new_messages {}: 'count' must be a non-negative integer, got nothing" },
    { "vm.new_messages", { count = -1 }, "'count' must be a non-negative integer, got -1" },
    { "vm.new_messages", { count = 2.5 }, "'count' must be a non-negative integer" },
    { "vm.new_messages", { count = 1, cuont = 2 }, "unknown argument 'cuont'" },
    { "queue.position", { position = 0 }, "'position' must be 1 or more" },
    { "menu.option", { key = "12", option = "x" }, "'key' must be one key" },
    { "menu.option", { key = "1", option = 5 }, "'option' must be a sound name" },
    { "menu.option", { key = "1", option = "../etc/passwd" }, "bad sound name" },
    { "menu.option", { key = "1", option = "demo//x" }, "bad sound name" },
    { "menu.option", { key = "1", option = "/etc/x" }, "bad sound name" },
    { "vm.received", {}, "'time' is required" },
    { "no.such", {}, 'unknown phrase "no.such"' },
  }
  local bad = {}
  for _, c in ipairs(cases) do
    local list, err = en:try_phrase(c[1], c[2])
    if list or not err:find(c[3], 1, true) then
      bad[#bad + 1] = string.format("  %s %s: %s", c[1], repr(c[2]), list and show(list) or err)
    end
  end
  t:expect(#bad == 0, "wrong errors:\n" .. table.concat(bad, "\n"))
  local ok, err = pcall(en.phrase, en, "vm.new_messages", { count = "three" })
  t:expect(not ok and err:find("phrase vm.new_messages", 1, true), "phrase() raises: " .. tostring(err))
  ok, err = pcall(en.phrase, en, "vm.new_messages", 3)
  t:expect(not ok and err:find("arguments must be a table", 1, true), "bad args raise: " .. tostring(err))
end)

-- ---- other sound sets ------------------------------------------------------

-- Words of our set that Asterisk's lacks (prompts/en/soundset_asterisk.lua).
local NOT_IN_ASTERISK = {
  ["digits/dollar"] = true, ["digits/cent"] = true, ["digits/cents"] = true, ["digits/noon"] = true,
  ["digits/midnight"] = true, ["hour"] = true, ["the-time-is"] = true,
}

test("a sound set without some words: replacements, then speech", function(t)
  local asked = {}
  local lang = load_en { has = function(name)
    asked[name] = (asked[name] or 0) + 1
    return not NOT_IN_ASTERISK[name] and name ~= "vm-and"
  end }
  check(t, lang, {
    { "money", 1, "digits/1 letters/dollar" },
    { "money", 1.01, "digits/1 letters/dollar {and} digits/1 {cent}" }, -- "and" is missing too
    { "money", 0.02, "digits/2 {cents}" },
    { "time", "12:00", "digits/12 digits/p-m" },
    { "time", "00:00", "digits/12 digits/a-m" },
    { "duration", 3601, "digits/1 {hour and} digits/1 second" },
    { "number", 105, "digits/1 digits/hundred digits/5" },
  })
  check_phrases(t, lang, {
    { "time.now", { now = "2024-02-29 09:05" }, "{the time is} digits/9 digits/oh digits/5 digits/a-m" },
  })
  t:expect(asked["digits/1"] == 1, "has() is asked once per name, not " .. tostring(asked["digits/1"]))
end)

test("an explicit soundset map applies without has()", function(t)
  local lang = load_en { soundset = "asterisk" }
  check(t, lang, {
    { "money", 1.02, "digits/1 letters/dollar vm-and digits/2 {cents}" },
    { "time", "12:00", "digits/12 digits/p-m" },
  })
  local ok, err = pcall(say.language, prompts, "en", { soundset = "nosuch" })
  t:expect(not ok and err:find('no soundset "nosuch"', 1, true), "unknown soundset: " .. tostring(err))
end)

test("every name that is not in the map is one of Asterisk's file names", function(t)
  -- Asterisk's names the module uses, as listed by `dpkg -c` of Debian's
  -- asterisk-core-sounds-en-wav 1.6.1 (checked again below when installed).
  local map = assert(loadfile(prompts .. "/en/soundset_asterisk.lua", "t", {}))()
  for name in pairs(NOT_IN_ASTERISK) do
    t:expect(map[name] ~= nil, "soundset_asterisk.lua has no entry for " .. name)
  end
  for name in pairs(map) do
    t:expect(NOT_IN_ASTERISK[name], "soundset_asterisk.lua maps a word Asterisk has: " .. name)
  end
end)

-- ---- the language loader ---------------------------------------------------

local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

test("languages load in a sandbox; broken ones are refused with the reason", function(t)
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -p '" .. dir .. "/xx' '" .. dir .. "/yy' '" .. dir .. "/zz' '" .. dir .. "/ww'"))
  write(dir .. "/xx/init.lua", "return { kinds = { io = function() return { { speak = table.concat({ "
    .. "tostring(io), tostring(os.execute), tostring(load), tostring(loadfile), tostring(dofile), "
    .. "tostring(debug), tostring(package), tostring(os.exit), tostring(os.remove) }, ' ') } } end }, "
    .. "phrases = {} }")
  write(dir .. "/yy/init.lua", "return { kinds = { number = 5 }, phrases = {} }")
  write(dir .. "/zz/init.lua", "return {{")
  write(dir .. "/ww/init.lua", "local w = require 'words'\nreturn { kinds = { w = function() return { w } end }, phrases = {} }")
  write(dir .. "/ww/words.lua", "return 'digits/1'")
  local xx = assert(say.language(dir, "xx"))
  local list, err = xx:try_sounds("io", 1)
  t:expect(list and list[1].speak == "nil nil nil nil nil nil nil nil nil",
    "io, os.execute, load... are not visible: " .. tostring(list and show(list) or err))
  local yy, e2, c2 = say.language(dir, "yy")
  t:expect(yy == nil and c2 == "EFORMAT" and e2:find("kinds[\"number\"] must be a function", 1, true),
    "a bad table is refused: " .. tostring(e2))
  local zz, e3, c3 = say.language(dir, "zz")
  t:expect(zz == nil and c3 == "EFORMAT" and e3:find("init.lua:1:", 1, true), "a syntax error is refused: " .. tostring(e3))
  local ww = assert(say.language(dir, "ww"))
  t:expect(show(ww:sounds("w", 0)) == "digits/1", "require finds the language's own files")
  local none, e4, c4 = say.language(dir, "qq")
  t:expect(none == nil and c4 == "ENOENT" and e4:find("no language 'qq'", 1, true), "a missing language: " .. tostring(e4))
  local ok, e5 = pcall(say.language, dir, "../xx")
  t:expect(not ok and e5:find("bad language name", 1, true), "a path as language name raises: " .. tostring(e5))
  -- a variant starts from another language: language "en" in en_GB
  local abs = prompts:sub(1, 1) == "/" and prompts or (os.getenv("PWD") .. "/" .. prompts)
  assert(os.execute("mkdir -p '" .. dir .. "/gb' '" .. dir .. "/loop' && ln -s '" .. abs .. "/en' '" .. dir .. "/en'"))
  write(dir .. "/gb/init.lua", "local en = language 'en'\nen.defaults = { number = { style = 'and' } }\nreturn en")
  write(dir .. "/loop/init.lua", "return language 'loop'")
  local gb = assert(say.language(dir, "gb"))
  t:expect(show(gb:sounds("number", 105)) == "digits/1 digits/hundred vm-and digits/5", "en_GB defaults")
  t:expect(show(gb:sounds("number", 105, { style = "us" })) == "digits/1 digits/hundred digits/5",
    "options given override the defaults")
  local lp, e6 = say.language(dir, "loop")
  t:expect(lp == nil and e6:find("includes itself", 1, true), "a language including itself: " .. tostring(e6))
  os.execute("rm -rf '" .. dir .. "'")
end)

test("say.split_options separates playing from saying", function(t)
  local lang_opts, play_opts = say.split_options { style = "and", interrupt = "#", language = "en" }
  t:expect(repr(lang_opts) == '{style="and"}', "language options: " .. repr(lang_opts))
  t:expect(repr(play_opts) == '{interrupt="#", language="en"}', "play options: " .. repr(play_opts))
  local a, b = say.split_options(nil)
  t:expect(next(a) == nil and next(b) == nil, "nil gives two empty tables")
end)

test("the language object lists its kinds and phrases", function(t)
  t:expect(table.concat(en:kinds(), " ") ==
    "date datetime digits duration extension ip letters money number ordinal phone phonetic time",
    "kinds: " .. table.concat(en:kinds(), " "))
  t:expect(#en:phrases() >= 8, "phrases: " .. table.concat(en:phrases(), " "))
  t:expect(en:text("digits/h-thousand") == "thousanth", "text of a word")
  t:expect(tostring(en) == "moonswitch.say.language (en)", "tostring: " .. tostring(en))
end)

-- ---- the word list, the module and the rendered set cannot drift ------------

-- Every list the module can produce over a range of values of every kind.
local function everything()
  local lists = {}
  local function add(list) lists[#lists + 1] = list end
  local function each(kind, values, optsets)
    for _, v in ipairs(values) do
      for _, o in ipairs(optsets or { {} }) do add(en:sounds(kind, v, o)) end
    end
  end
  local numbers = {}
  for n = -120, 1200 do numbers[#numbers + 1] = n end
  for _, n in ipairs { 1000000, 1000001, 2000000000, 999999999999, -999999999999, 1000000000 } do
    numbers[#numbers + 1] = n
  end
  each("number", numbers, { {}, { style = "and" } })
  local ordinals = {}
  for n = 1, 1200 do ordinals[#ordinals + 1] = n end
  for _, n in ipairs { 1000000, 2000000000, 1000000000 } do ordinals[#ordinals + 1] = n end
  each("ordinal", ordinals, { {}, { style = "and" } })
  each("digits", { "0123456789*#" }, { {}, { zero = "oh" } })
  each("money", { 0, 0.01, 1, 1.01, 12.34, -5.25, 1000000.5 }, { {}, { style = "and" } })
  local times = {}
  for h = 0, 23 do
    for m = 0, 59 do times[#times + 1] = string.format("%02d:%02d", h, m) end
  end
  each("time", times, { {}, { clock = 24 }, { noon = false, oclock = true } })
  local dates = {}
  for y = 1999, 2031 do
    for mo = 1, 12 do
      for d = 1, 28, 3 do dates[#dates + 1] = string.format("%04d-%02d-%02d", y, mo, d) end
    end
  end
  for _, y in ipairs { 1900, 1905, 2000, 2005, 1066, 999 } do dates[#dates + 1] = string.format("%04d-01-31", y) end
  each("date", dates, { {}, { year = "number" } })
  each("datetime", { "2024-02-28 23:59", "2024-02-29 00:00", "2024-03-01 12:00", "2023-06-01 08:07" },
    { {}, { now = "2024-02-29 00:01" } })
  local durations = {}
  for s = 0, 7300, 7 do durations[#durations + 1] = s end
  each("duration", durations)
  each("phone", { "5551234567", "+15551234567", "1234567", "+442079460958" }, { {}, { zero = "oh" } })
  each("extension", { "1234567890*#" })
  each("ip", { "192.168.100.255" }, { {}, { octets = "number" } })
  local ascii = {}
  for c = 32, 126 do ascii[#ascii + 1] = string.char(c) end
  each("letters", { table.concat(ascii) }, { {}, { zed = true } })
  each("phonetic", { table.concat(ascii) }, { {}, { niner = false } })
  for _, c in ipairs { 0, 1, 2 } do add(en:phrase("vm.new_messages", { count = c })) end
  add(en:phrase("vm.messages", {}))
  add(en:phrase("vm.messages", { new = 1, old = 2 }))
  add(en:phrase("vm.message_number", { number = 1 }))
  add(en:phrase("vm.message_number", { number = 2, last = true }))
  add(en:phrase("vm.received", { time = "2024-02-29 15:05" }))
  add(en:phrase("queue.position", { position = 1 }))
  add(en:phrase("queue.position", { position = 2 }))
  for _, s in ipairs { 10, 60, 200 } do add(en:phrase("queue.hold_time", { seconds = s })) end
  add(en:phrase("time.now"))
  add(en:phrase("menu.option", { key = "1", option = "for" }))
  add(en:phrase("input.entered", { digits = "1" }))
  local used = {}
  for _, list in ipairs(lists) do
    for _, e in ipairs(list) do
      if type(e) == "string" then used[e] = true end
    end
  end
  return used
end

local function read_list(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local words = {}
  for line in f:lines() do
    if not line:match("^%s*#") and not line:match("^%s*$") then
      local name, text = line:match("^([^|]+)|(.*)$")
      words[name or line] = text or false
    end
  end
  f:close()
  return words
end

local function file_exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

-- The rendered English set of the build that runs this test.
local function rendered_dir()
  local candidates = {}
  local env = os.getenv("MOONSWITCH_SOUNDS_EN")
  if env and env ~= "" then candidates[#candidates + 1] = env end
  local f = io.open("/proc/self/cmdline", "rb")
  if f then
    local argv0 = (f:read("a") or ""):match("^([^%z]*)")
    f:close()
    local bin_dir = argv0 and argv0:match("^(.*)/[^/]*$")
    if bin_dir then candidates[#candidates + 1] = bin_dir .. "/sounds/en" end
  end
  candidates[#candidates + 1] = "sounds/en"
  candidates[#candidates + 1] = root .. "/build/sounds/en"
  for _, dir in ipairs(candidates) do
    if file_exists(dir .. "/8000/digits/0.wav") then return dir end
  end
  return nil, table.concat(candidates, ", ")
end

test("every sound the module produces is in words.list, words.lua and the rendered set", function(t)
  local used = everything()
  local list = read_list(root .. "/sounds/en/words.list")
  t:expect(list, "cannot read sounds/en/words.list")
  local missing, unused, differ = {}, {}, {}
  for name in pairs(used) do
    if not list[name] then missing[#missing + 1] = name end
  end
  for name, text in pairs(list) do
    if not used[name] then unused[#unused + 1] = name end
    if en:text(name) ~= text then
      differ[#differ + 1] = string.format("%s: words.list %q, words.lua %q", name, tostring(text), tostring(en:text(name)))
    end
  end
  for _, name in ipairs(en:words()) do
    if list[name] == nil then differ[#differ + 1] = name .. ": in words.lua, not in words.list" end
  end
  table.sort(missing)
  table.sort(unused)
  table.sort(differ)
  t:expect(#missing == 0, "produced but not in sounds/en/words.list: " .. table.concat(missing, " "))
  t:expect(#unused == 0, "in sounds/en/words.list but never produced: " .. table.concat(unused, " "))
  t:expect(#differ == 0, "words.list and prompts/en/words.lua differ:\n  " .. table.concat(differ, "\n  "))
  local dir, tried = rendered_dir()
  t:expect(dir, "no rendered sound set found (tried " .. tostring(tried) .. "); build the `sounds` target "
    .. "or set MOONSWITCH_SOUNDS_EN to <build>/sounds/en")
  local absent = {}
  for name in pairs(list) do
    for _, rate in ipairs { 8000, 16000 } do
      local path = string.format("%s/%d/%s.wav", dir, rate, name)
      if not file_exists(path) then absent[#absent + 1] = path end
    end
  end
  table.sort(absent)
  t:expect(#absent == 0, "not rendered: " .. table.concat(absent, " "))
end)

-- With Debian's asterisk-core-sounds-en-wav installed: every name the module
-- produces is either one of its files or has an entry in soundset_asterisk.lua.
local ASTERISK = nil
for _, d in ipairs { os.getenv("MOONSWITCH_ASTERISK_SOUNDS") or "", "/usr/share/asterisk/sounds/en_US_f_Allison",
                     "/usr/share/asterisk/sounds/en" } do
  if d ~= "" and file_exists(d .. "/digits/0.wav") then
    ASTERISK = d
    break
  end
end
if ASTERISK then
  test("with Asterisk's sound set installed: every name resolves to one of its files", function(t)
    local map = assert(loadfile(prompts .. "/en/soundset_asterisk.lua", "t", {}))()
    local wrong = {}
    for name in pairs(everything()) do
      local has = file_exists(ASTERISK .. "/" .. name .. ".wav")
      if has == (map[name] ~= nil) then
        wrong[#wrong + 1] = name .. (has and " (Asterisk has it, but it is mapped)" or " (missing, not mapped)")
      end
    end
    for name, alt in pairs(map) do
      for _, n in ipairs(type(alt) == "string" and { alt } or alt) do
        if not file_exists(ASTERISK .. "/" .. n .. ".wav") then wrong[#wrong + 1] = name .. " -> " .. n .. " (missing)" end
      end
    end
    table.sort(wrong)
    t:expect(#wrong == 0, ASTERISK .. ":\n  " .. table.concat(wrong, "\n  "))
  end)
end
