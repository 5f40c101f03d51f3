-- Transfers from a menu: an option, a pattern's capture, and max failures.
local menu = require "moonswitch.menu"

local function S(text) return { speak = text } end

return menu.new {
  name = "switchboard",
  greeting = S "Switchboard.",
  invalid = S "Invalid.",
  transfer_sound = S "Transferring.",
  digit_len = 4,
  inter_digit = 1500,
  max_failures = 2,
  on_max_failures = { transfer = "operator" },
  options = {
    { key = "0", transfer = "operator" },
    { pattern = "^8(%d%d%d)$", transfer = "8%1" }, -- to the mailbox route, capture kept
    { key = "1", transfer = function(call)
        return call.caller == "5550000" and "5000" or "operator"
      end },
  },
}
