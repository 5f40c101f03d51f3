-- Spelling: letters ("a" "b" "c"), the phonetic alphabet ("alpha" "bravo"),
-- digits and the common symbols, under Asterisk's file names.

local U = require "util"

local L = {}

-- Symbols: Asterisk's letters/ names where it has one, else letters/asciiNN.
local SYMBOLS = {
  ["."] = "letters/dot", ["-"] = "letters/dash", ["@"] = "letters/at",
  ["/"] = "letters/slash", ["+"] = "letters/plus", [" "] = "letters/space",
  ["="] = "letters/equals", ["*"] = "letters/asterisk", ["!"] = "letters/exclaimation-point",
  ["#"] = "digits/pound",
}
for _, code in ipairs { 34, 36, 37, 38, 39, 40, 41, 44, 58, 59, 60, 62, 63, 91, 92, 93, 94, 95, 96,
                        123, 124, 125, 126 } do
  SYMBOLS[string.char(code)] = "letters/ascii" .. code
end
L.SYMBOLS = SYMBOLS

-- The sound for one character; `letter` maps a lower-case letter.
local function char_sound(c, letter, digit)
  local lower = c:lower()
  if lower:match("^%l$") then return letter(lower) end
  if c:match("^%d$") then return digit(c) end
  local s = SYMBOLS[c]
  if not s then
    if c:byte() >= 128 then U.fail("only ASCII characters can be spelled") end
    U.fail("cannot spell character %q", c)
  end
  return s
end

local function spell(value, letter, digit)
  if math.type(value) == "integer" then value = tostring(value) end
  if type(value) ~= "string" then U.fail("expected a string") end
  if value == "" then U.fail("empty") end
  local out = {}
  for c in value:gmatch(".") do out[#out + 1] = char_sound(c, letter, digit) end
  return out
end

local kinds = {}

-- opts.zed = true says z as "zed" (British).
function kinds.letters(value, opts)
  U.check_opts(opts, { zed = true })
  local zed = U.flag(opts, "zed", false)
  return spell(value, function(c)
    return (c == "z" and zed) and "letters/zed" or "letters/" .. c
  end, function(d) return "digits/" .. d end)
end

-- "alpha" "bravo" ...; 9 is "niner" unless opts.niner = false.
function kinds.phonetic(value, opts)
  U.check_opts(opts, { niner = true })
  local niner = U.flag(opts, "niner", true)
  return spell(value, function(c) return "phonetic/" .. c .. "_p" end, function(d)
    return (d == "9" and niner) and "phonetic/9_p" or "digits/" .. d
  end)
end

L.kinds = kinds

return L
