-- Greetings, invalid/timeout/exit sounds, max failures and timeouts with their own
-- actions, function options, play, sub-menus, back, top, exit, hangup.
--   main:    1 support, 2 a function (then again), 3 a function returning "done", 4 play,
--            8 hang up, 9 exit, * back (at the top: the menu again)
--   support: 1 billing, * back, 0 top, 9 exit (support's own exit sound)
--   billing: 1 play the balance, * back, 0 top
local menu = require "moonswitch.menu"

local function S(text) return { speak = text } end

local billing = menu.new {
  name = "billing",
  greeting = S "Billing menu.",
  short_greeting = S "Billing.",
  invalid = S "Not a billing option.",
  options = {
    { key = "1", play = S "Your balance is zero." },
    { key = "*", go = "back" },
    { key = "0", go = "top" },
  },
}

local support = menu.new {
  name = "support",
  greeting = S "Support menu.",
  exit_sound = S "Support says goodbye.",
  options = {
    { key = "1", menu = billing },
    { key = "*", go = "back" },
    { key = "0", go = "top" },
    { key = "9", go = "exit" },
  },
}

local main = menu.new {
  name = "main",
  greeting = S "Welcome to the main menu.",
  short_greeting = S "Main menu.",
  invalid = S "That is not valid.",
  timeout_sound = S "Are you still there?",
  exit_sound = S "Goodbye.",
  timeout = 4000,
  max_failures = 2,
  max_timeouts = 2,
  on_max_failures = "exit",
  on_max_timeouts = function(call, ctx)
    call.vars.max_reason = ctx.reason
    call:speak("Nobody is there.")
    return "done", "silence"
  end,
  options = {
    { key = "1", menu = support },
    { key = "2", run = function(call, choice)
        call.vars.ran = choice.key .. "@" .. choice.menu
        call:speak("The function ran.")
      end }, -- nothing returned: the menu again
    { key = "3", run = function() return "done", "three" end },
    { key = "4", play = S "Here is some information." },
    { key = "8", go = "hangup" },
    { key = "9", go = "exit" },
    { key = "*", go = "back" },
  },
}

return function(call)
  local result, value = main:run(call)
  call:speak("The menu returned " .. result .. (value and (" " .. value) or "") .. ".")
end
