-- Patterns: four-digit entries; 8xxx runs a function with the capture, 9xxx is
-- refused politely, anything else is invalid.
local menu = require "moonswitch.menu"

local function S(text) return { speak = text } end

return menu.new {
  name = "ext",
  greeting = S "Enter an extension, then press pound.",
  invalid = S "No such extension.",
  digit_len = 4,
  inter_digit = 2000,
  options = {
    { pattern = "^8(%d%d%d)$", run = function(call, choice)
        call.vars.extension = choice.captures[1]
        call:speak("Calling extension " .. choice.captures[1] .. ".")
        return "done"
      end },
    { pattern = "9%d%d%d", play = S "Those extensions are not in service." }, -- anchored for you
  },
}
