-- Asterisk's English sound set (Debian asterisk-core-sounds-en-wav,
-- /usr/share/asterisk/sounds/en_US_f_Allison): the words our module uses that
-- it does not have, and what to play instead. Every other name the module
-- produces is one of Asterisk's own file names.
--
-- A value is another name, a list of names, or { speak = text }. With the
-- has() check (docs/phrases.md) an entry is used only when the word is
-- missing and the replacement exists; words missing with no entry here are
-- spoken with { speak = text }.

return {
  ["digits/dollar"] = "letters/dollar",               -- Allison's "dollar"
  ["digits/noon"] = { "digits/12", "digits/p-m" },     -- "twelve p m"
  ["digits/midnight"] = { "digits/12", "digits/a-m" }, -- "twelve a m"
  ["digits/cent"] = { speak = "cent" },
  ["digits/cents"] = { speak = "cents" },
  ["hour"] = { speak = "hour" },
  ["the-time-is"] = { speak = "the time is" },
}
