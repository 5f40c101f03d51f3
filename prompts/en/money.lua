-- Money in US dollars: "twelve dollars and thirty four cents".
-- Decisions (docs/phrases.md): zero cents are not said ("five dollars");
-- zero dollars are not said when there are cents ("fifty cents"); nothing
-- at all is "zero dollars"; one is "one dollar" / "one cent"; a negative
-- amount starts with "minus".

local U = require "util"
local N = require "numbers"

local M = {}

-- Cents as an integer from a number of dollars (rounded to the cent) or a
-- string such as "12.34", "-0.5", "$7".
local function to_cents(v)
  if type(v) == "number" then
    if v ~= v or v == math.huge or v == -math.huge then U.fail("not a finite number") end
    local cents = math.floor(math.abs(v) * 100 + 0.5)
    if cents > N.MAX * 100 + 99 then U.fail("out of range") end
    cents = math.tointeger(cents)
    return v < 0 and -cents or cents
  end
  if type(v) ~= "string" then U.fail("expected a number or a string such as \"12.34\"") end
  local sign, whole, frac = v:match("^%s*([+-]?)%$?(%d*)%.?(%d*)%s*$")
  if not sign or (whole == "" and frac == "") or (frac ~= "" and not v:find(".", 1, true)) then
    U.fail("expected an amount such as \"12.34\"")
  end
  if #frac > 2 then U.fail("more than two decimals") end
  local dollars = whole == "" and 0 or N.value(whole)
  local cents = dollars * 100 + (frac == "" and 0 or tonumber((frac .. "0"):sub(1, 2)))
  return sign == "-" and -cents or cents
end

local function amount(n, one, many, style, out)
  U.extend(out, N.cardinal(n, style))
  out[#out + 1] = n == 1 and one or many
end

local function money(value, opts)
  U.check_opts(opts, { style = true })
  local style = N.style(opts)
  local cents = to_cents(value)
  local out = {}
  if cents < 0 then
    out[1] = "digits/minus"
    cents = -cents
  end
  local dollars, rest = cents // 100, cents % 100
  if dollars > 0 or rest == 0 then amount(dollars, "digits/dollar", "digits/dollars", style, out) end
  if rest > 0 then
    if dollars > 0 then out[#out + 1] = "vm-and" end
    amount(rest, "digits/cent", "digits/cents", style, out)
  end
  return out
end

M.kinds = { money = money }

return M
