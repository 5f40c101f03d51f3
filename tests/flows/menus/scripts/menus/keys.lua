-- Multi-digit keys without patterns: an entry ends as soon as no longer key starts
-- with it ("5", "12"), else at the inter-digit timeout (2 s) or "#" ("1").
local menu = require "moonswitch.menu"

local function S(text) return { speak = text } end

return menu.new {
  name = "keys",
  greeting = S "Enter a code.",
  invalid = S "Unknown code.",
  inter_digit = 2000,
  options = {
    { key = "1", play = S "One." },
    { key = "12", play = S "Twelve." },
    { key = "5", play = S "Five." },
    { key = "*", go = "exit" },
  },
}
