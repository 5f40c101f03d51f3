-- The test suite's dialplan: a routing table (data) built with moonswitch.dialplan.
-- Each route is exercised by tests/dialplan.lua or leads to a menu of scripts/menus/.
-- Time-of-day routes read the clock from the X-Clock header when the test sends one
-- ("2026-12-25T10:00:00", local time), else the server's clock (virtual in tests,
-- set with moonswitch test --time).
local dialplan = require "moonswitch.dialplan"

local function say(text)
  return function(call)
    call:answer()
    call:speak(text)
  end
end

return dialplan.new {
  clock = function(call) return call.vars["sip_h_X-Clock"] end,
  calendars = {
    office = {
      hours = { ["mon-fri"] = "09:00-17:00", sat = "10:00-12:00" },
      holidays = { "12-25", "01-01" },
    },
  },

  -- menus (scripts/menus/*.lua return a menu or a function(call))
  { destination = "menu-basic", run = "menus.basic" },
  { destination = "menu-keys", run = "menus.keys" },
  { destination = "menu-ext", run = "menus.ext" },
  { destination = "menu-confirm", run = "menus.confirm" },
  { destination = "menu-speech", run = "menus.speech" },
  { destination = "menu-hours", run = "menus.hours" },
  { destination = "menu-dynamic", run = "menus.dynamic" },
  { destination = "menu-transfer", run = "menus.transfer" },
  { destination = "2000", run = "shop.main" }, -- the tutorial (docs/tutorial.md)
  { destination = "asr-hold", run = "routes.asr_hold" },

  -- routing by caller, header, time of day; patterns with captures
  { name = "vip", destination = "5000", caller = "^555", run = say("Hello, valued customer.") },
  { name = "urgent", destination = "5000", header = { ["X-Priority"] = { "urgent", "^emergency" } },
    run = say("Urgent line.") },
  { name = "sales-open", destination = "5000", open = "office", run = say("Sales is open.") },
  { name = "sales-closed", destination = "5000", play = { speak = "Sales is closed." } },
  { name = "mailbox", destination = "^8(%d%d%d)$", set = { mailbox = "%1" },
    run = "routes.mailbox" },
  { name = "operator", destination = { "0", "operator" }, run = say("Operator.") },

  -- transfers between scripts (call:transfer runs this table again)
  { name = "strip-9", destination = "^9(%d+)$", transfer = "%1" },
  { name = "to-menu", destination = "3000", transfer = "menu-basic" },
  { name = "loop", destination = "loop", transfer = "loop" },

  { name = "refused", destination = "4000", hangup = "CALL_REJECTED" },
  default = { hangup = "UNALLOCATED_NUMBER" },
}
