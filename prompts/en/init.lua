-- English (US): how moonswitch says numbers, dates, money and named phrases.
-- Loaded by moonswitch.say in a sandbox; returns the language table:
--   kinds     kind -> function(value, opts) -> list of sounds
--   phrases   name -> function(args) -> list of sounds
--   words     sound name -> text (the fallback when a sound set lacks it)
--   soundsets set name -> { name -> replacement } for other sound sets
--   defaults  kind -> default options (a variant such as en_GB can set
--             { number = { style = "and" } })
-- A list holds sound names, { speak = "text" } and { pause = ms }.

local kinds = {}
for _, area in ipairs { "numbers", "money", "dates", "letters", "addresses" } do
  local m = require(area)
  for name, f in pairs(m.kinds) do
    assert(kinds[name] == nil, "kind defined twice: " .. name)
    kinds[name] = f
  end
end

return {
  kinds = kinds,
  phrases = require "phrases",
  words = require "words",
  soundsets = { asterisk = require "soundset_asterisk" },
  defaults = {},
}
