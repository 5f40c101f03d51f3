-- Telephone numbers, extensions and IP addresses: said digit by digit.

local U = require "util"
local N = require "numbers"

local A = {}

A.GROUP_PAUSE = 300 -- ms of silence between the groups of a phone number

-- North American numbers are grouped 3-3-4 (1-3-3-4 with the country code,
-- 3-4 for a local number); other lengths are said as plain digits.
local function nanp_groups(d)
  local n = #d
  if n == 10 then return { 3, 3, 4 } end
  if n == 11 and d:sub(1, 1) == "1" then return { 1, 3, 3, 4 } end
  if n == 7 then return { 3, 4 } end
  return { n }
end

local kinds = {}

-- "(555) 123-4567", "+1 555 123 4567", "5551234567": spaces, dots, dashes
-- and parentheses are ignored. opts.pause (ms, default 300; 0 for none)
-- separates the groups; opts.zero = "oh".
function kinds.phone(value, opts)
  U.check_opts(opts, { pause = true, zero = true })
  local zero = U.choice(opts, "zero", { "zero", "oh" }, "zero")
  local pause = opts.pause == nil and A.GROUP_PAUSE or opts.pause
  if math.type(pause) ~= "integer" or pause < 0 or pause > 5000 then
    U.fail("option 'pause' must be an integer number of ms in 0..5000")
  end
  local s = N.digit_string(value, "%d%s%.%-%(%)%+")
  local plus = s:match("^%s*%+") ~= nil
  local pluses = select(2, s:gsub("%+", ""))
  if pluses > (plus and 1 or 0) then U.fail("'+' may only start the number") end
  local d = s:gsub("%D", "")
  if d == "" then U.fail("no digits") end
  local groups = plus and d:sub(1, 1) ~= "1" and { #d } or nanp_groups(d)
  local out, at = {}, 1
  for i, len in ipairs(groups) do
    if i > 1 and pause > 0 then out[#out + 1] = { pause = pause } end
    U.extend(out, N.digits(d:sub(at, at + len - 1), zero))
    at = at + len
  end
  return out
end

-- "extension" then the digits; opts.prefix = false for the digits alone.
function kinds.extension(value, opts)
  U.check_opts(opts, { prefix = true, zero = true })
  local zero = U.choice(opts, "zero", { "zero", "oh" }, "zero")
  local out = U.flag(opts, "prefix", true) and { "extension" } or {}
  return U.extend(out, N.digits(N.digit_string(value, "%d*#"), zero))
end

-- IPv4 dotted quad: "one nine two dot one six eight dot ..."; opts.octets =
-- "number" says each part as a number ("one hundred ninety two dot ...").
function kinds.ip(value, opts)
  U.check_opts(opts, { octets = true })
  local how = U.choice(opts, "octets", { "digits", "number" }, "digits")
  if type(value) ~= "string" then U.fail("expected a string such as \"192.168.1.10\"") end
  local parts = { value:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$") }
  if #parts ~= 4 then U.fail("expected an IPv4 address such as \"192.168.1.10\"") end
  local out = {}
  for i, p in ipairs(parts) do
    local n = tonumber(p)
    if #p > 3 or n > 255 then U.fail("part %d (%s) is not 0..255", i, p) end
    if i > 1 then out[#out + 1] = "letters/dot" end
    U.extend(out, how == "number" and N.cardinal(n) or N.digits(tostring(n)))
  end
  return out
end

A.kinds = kinds

return A
