-- Malformed menu tables are refused when they are built (menu.new), with the menu's
-- name and the key, not in the middle of a call. Pure tests: no calls.

local menu = require "moonswitch.menu"

local function err_of(def)
  local ok, e = pcall(menu.new, def)
  return not ok and e or nil
end

local function base(extra)
  local def = { name = "m", options = { { key = "1", go = "exit" } } }
  for k, v in pairs(extra) do def[k] = v end
  return def
end

test("a good definition builds, and tables inside it are built too", function(t)
  local m = menu.new {
    name = "top",
    greeting = { "demo/welcome", { speak = "Hello" } },
    options = {
      { key = "1", menu = { name = "sub", options = { { key = "*", go = "back" } } } },
      { key = "2", say = { "Sales", "sales  department" }, run = function() end },
      { pattern = "^8(%d%d%d)$", transfer = "%1" },
    },
    digit_len = 4,
  }
  t:expect(menu.is_menu(m) and tostring(m) == "moonswitch.menu (top)", tostring(m))
  t:expect(menu.is_menu(m.options[1].value), "the inline sub-menu is a menu")
  t:expect(m.options[2].words[2] == "sales department", "words are normalised: " .. m.options[2].words[2])
  t:expect(m.terminators == "#", "digit_len > 1: # ends an entry by default")
end)

test("malformed menus name the menu and the key", function(t)
  local cases = {
    { { options = {} }, "menu: 'name' is required" },
    { { name = "a>b", options = {} }, "'name' is required: letters, digits" },
    { base { greting = "x" }, "menu 'm': unknown key 'greting'" },
    { base { options = {} }, "menu 'm': 'options' must be a non-empty list" },
    { base { greeting = 42 }, "menu 'm': greeting: expected a sound name" },
    { base { greeting = { "a", 3 } }, "menu 'm': greeting[2]: expected a sound name" },
    { base { timeout = -1 }, "menu 'm': timeout must be an integer in 0..inf" },
    { base { max_failures = 0 }, "max_failures must be an integer in 1..inf" },
    { base { digit_len = 100 }, "digit_len must be an integer in 1..64" },
    { base { on_max_failures = "leave" }, "on_max_failures: \"leave\" is not a step" },
    { base { on_max_timeouts = { transfer = 5 } }, "on_max_timeouts.transfer: expected a destination" },
    { base { speech = { grammar = "x" } }, "speech: unknown key 'grammar'" },
    { base { options = { { key = "1x", go = "exit" } } }, "options[1].key: a key must be keys of the keypad" },
    { base { options = { { go = "exit" } } }, "options[1]: needs a 'key', a 'pattern' or words" },
    { base { options = { { key = "1" } } }, "options[1]: no action" },
    { base { options = { { key = "1", go = "exit", run = print } } }, "has both 'run' and 'go'" },
    { base { options = { { key = "1", go = "up" } } }, "options[1].go: up is not one of" },
    { base { options = { { key = "1", run = "sales" } } }, "options[1].run: expected a function" },
    { base { options = { { key = "1", menu = "sales" } } }, "options[1].menu: expected a menu" },
    { base { options = { { key = "1", kee = "2", go = "exit" } } }, "options[1]: unknown key 'kee'" },
    { base { options = { { key = "1", go = "exit" }, { key = "1", go = "top" } } },
      "options[2].key: '1' is already options[1]'s (which has no 'when')" },
    { base { options = { { say = "sales", go = "exit" }, { say = "Sales", go = "top" } } },
      "options[2].say: \"sales\" is already options[1]'s" },
    { base { options = { { key = "1", say = "sales!", go = "exit" } } }, "options[1].say[1]: \"sales!\"" },
    { base { options = { { key = "1", say = "", go = "exit" } } }, "options[1].say[1]: \"\"" },
    { base { options = { { key = "1", say = { 5 }, go = "exit" } } }, "options[1].say[1]: number" },
    { base { options = { { pattern = "8(%d", go = "exit" } } }, "options[1].pattern: bad pattern" },
    { base { options = { { pattern = "8%d%d", go = "exit" } } }, "digit_len is required when an option has a pattern" },
    { base { options = { { key = "1", pattern = "8", go = "exit" } } }, "has both 'key' and 'pattern'" },
    { base { options = { { key = "123", go = "exit" } }, digit_len = 2 }, "digit_len is 2 but a key has 3 digits" },
    { base { options = { { key = "1#", go = "exit" } } }, "options[1].key '1#' uses a terminator" },
    { base { options = { { key = "1", when = true, go = "exit" } } }, "options[1].when: expected a function" },
    { base { options = { { key = "1", confirm = true, go = "exit" } } }, "options[1].confirm: true needs the menu's 'confirm'" },
    { base { confirm = { key = "1" } }, "confirm: needs a prompt" },
    { base { confirm = { prompt = "x", attempts = 0 } }, "confirm.attempts must be an integer in 1..10" },
    { base { options = { { key = "1", menu = { name = "sub", options = { { key = "1", go = "nowhere" } } } } } },
      "menu 'sub': options[1].go: nowhere is not one of" },
  }
  for i, case in ipairs(cases) do
    local e = err_of(case[1])
    t:expect(e and e:find(case[2], 1, true), string.format("case %d: expected %q, got %s", i, case[2],
      tostring(e)))
  end
end)

test("the error points at the line that built the menu", function(t)
  local ok, e = pcall(function()
    local m = menu.new { name = "here", options = {} } -- this line (not a tail call)
    return m
  end)
  t:expect(not ok and e:find("definitions.lua:%d+: menu 'here'"), tostring(e))
end)

test("# is a key when there are no terminators (single-digit menus)", function(t)
  local m = menu.new { name = "m", options = { { key = "#", go = "again" }, { key = "*", go = "back" } } }
  t:expect(m.terminators == "" and m.digit_len == 1, "no terminators, one digit")
end)

test("duplicate keys are allowed after an option with a condition", function(t)
  local m = menu.new { name = "m", options = {
    { key = "1", when = function() return false end, go = "exit" },
    { key = "1", go = "top" },
  } }
  t:expect(#m.options == 2, "two options for key 1")
end)

test("when helpers check what they are given", function(t)
  t:expect(not pcall(menu.when_open, "office"), "when_open needs a calendar")
  t:expect(not pcall(menu.when_caller, "^55(5"), "when_caller checks its pattern now")
  local cal = require("moonswitch.calendar").new { hours = { ["mon-fri"] = "09:00-17:00" } }
  local f = menu.when_open(cal, function(call) return call.clock end)
  t:expect(f { clock = "2026-11-25T10:00:00" } and not f { clock = "2026-11-25T20:00:00" }, "when_open")
  local g = menu.when_caller { "100", "^2%d%d$" }
  t:expect(g { caller = "100" } and g { caller = "200" } and not g { caller = "1000" }, "when_caller")
end)
