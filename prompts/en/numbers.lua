-- Numbers: cardinals (US "one hundred five" or British "one hundred and
-- five"), ordinals, digit by digit, and years as people say them.

local U = require "util"

local N = {}

N.MAX = 999999999999 -- up to "nine hundred ninety nine billion ..."

local SCALES = {
  { 1000000000, "digits/billion" },
  { 1000000, "digits/million" },
  { 1000, "digits/thousand" },
}

-- 1..99: digits/0..20 and the tens exist as words.
local function below_100(n, out)
  if n <= 20 then
    out[#out + 1] = "digits/" .. n
  else
    out[#out + 1] = "digits/" .. (n // 10 * 10)
    if n % 10 > 0 then out[#out + 1] = "digits/" .. (n % 10) end
  end
end

-- 1..999; British style says "and" between the hundreds and the rest.
local function below_1000(n, british, out)
  local hundreds, rest = n // 100, n % 100
  if hundreds > 0 then
    out[#out + 1] = "digits/" .. hundreds
    out[#out + 1] = "digits/hundred"
    if rest > 0 and british then out[#out + 1] = "vm-and" end
  end
  if rest > 0 then below_100(rest, out) end
end

-- Checks a number value (integer, integral float or digit string) and its range.
function N.value(v)
  local n = U.integer(v)
  if n > N.MAX or n < -N.MAX then U.fail("out of range (at most %d)", N.MAX) end
  return n
end

function N.style(opts)
  return U.choice(opts, "style", { "us", "and" }, "us")
end

-- The cardinal of a checked integer. style "and": "one thousand and five",
-- "three hundred and five thousand" (British); "us": no "and".
function N.cardinal(n, style)
  if n == 0 then return { "digits/0" } end
  local out = {}
  if n < 0 then
    out[1] = "digits/minus"
    n = -n
  end
  local british = style == "and"
  for _, scale in ipairs(SCALES) do
    local group = n // scale[1] % 1000
    if group > 0 then
      below_1000(group, british, out)
      out[#out + 1] = scale[2]
    end
  end
  local units = n % 1000
  if british and units > 0 and units < 100 and n >= 1000 then out[#out + 1] = "vm-and" end
  if units > 0 then below_1000(units, british, out) end
  return out
end

-- The ordinal of a checked positive integer: the cardinal with its last
-- word made ordinal ("twenty" "first", "one" "hundredth").
function N.ordinal(n, style)
  local out = N.cardinal(n, style)
  out[#out] = out[#out]:gsub("^digits/", "digits/h-")
  return out
end

-- Each character of a string of digits, * and #.
local KEYS = { ["*"] = "digits/star", ["#"] = "digits/pound" }

function N.digits(s, zero)
  local out = {}
  for c in s:gmatch(".") do
    if c:match("%d") then
      out[#out + 1] = (c == "0" and zero == "oh") and "digits/oh" or "digits/" .. c
    elseif KEYS[c] then
      out[#out + 1] = KEYS[c]
    else
      U.fail("cannot say character %q as a digit", c)
    end
  end
  return out
end

-- A digit string from a string or a non-negative integer.
function N.digit_string(v, allowed)
  if math.type(v) == "integer" and v >= 0 then return tostring(v) end
  if type(v) ~= "string" then U.fail("expected a string of digits") end
  if v == "" then U.fail("empty") end
  if not v:match("^[" .. allowed .. "]+$") then U.fail("expected only the characters %s", allowed) end
  return v
end

-- A year as said in the US: "nineteen ninety nine", "twenty twenty four",
-- "nineteen oh five", "nineteen hundred", "two thousand", "two thousand five".
-- how = "number" says the plain cardinal ("two thousand twenty four").
function N.year(y, how, style)
  local hi, lo = y // 100, y % 100
  if how == "number" or y < 1000 or y % 1000 == 0 or (hi % 10 == 0 and lo < 10) then
    return N.cardinal(y, style)
  end
  local out = N.cardinal(hi, style)
  if lo == 0 then
    out[#out + 1] = "digits/hundred"
  elseif lo < 10 then
    out[#out + 1] = "digits/oh"
    out[#out + 1] = "digits/" .. lo
  else
    U.extend(out, N.cardinal(lo, style))
  end
  return out
end

-- ---- kinds ----

local kinds = {}

function kinds.number(value, opts)
  U.check_opts(opts, { style = true })
  return N.cardinal(N.value(value), N.style(opts))
end

function kinds.ordinal(value, opts)
  U.check_opts(opts, { style = true })
  local n = N.value(value)
  if n < 1 then U.fail("an ordinal must be 1 or more") end
  return N.ordinal(n, N.style(opts))
end

-- opts.zero = "oh" says 0 as "oh" (the default is "zero").
function kinds.digits(value, opts)
  U.check_opts(opts, { zero = true })
  local zero = U.choice(opts, "zero", { "zero", "oh" }, "zero")
  return N.digits(N.digit_string(value, "%d*#"), zero)
end

N.kinds = kinds

return N
