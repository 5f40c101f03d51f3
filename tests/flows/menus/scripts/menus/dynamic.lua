-- Menus as functions of the call: the top menu depends on the caller, greetings are
-- personalised, and a sub-menu is chosen when the caller gets there.
local menu = require "moonswitch.menu"

local function S(text) return { speak = text } end

local gold = menu.new {
  name = "gold",
  greeting = S "Gold desk.",
  options = { { key = "*", go = "back" }, { key = "9", go = "exit" } },
}
local standard = menu.new {
  name = "standard",
  greeting = S "Standard desk.",
  options = { { key = "*", go = "back" }, { key = "9", go = "exit" } },
}

local members = menu.new {
  name = "members",
  greeting = function(call, ctx)
    local who = call.caller_name ~= "" and call.caller_name or "member"
    if ctx.first then return S("Welcome back, " .. who .. ".") end
    return S("Still here, " .. who .. "?")
  end,
  invalid = S "No.",
  options = {
    { key = "1", menu = function(call)
        if call.caller:match("^1") then return gold end
        return standard
      end },
    { key = "2", menu = { -- a definition inside an option is built (and checked) with its parent
        name = "inline",
        greeting = S "Inline menu.",
        options = { { key = "*", go = "back" } },
      } },
    { key = "9", go = "exit" },
  },
}

local guests = menu.new {
  name = "guests",
  greeting = S "Welcome, guest.",
  options = { { key = "9", go = "exit" } },
}

return function(call)
  menu.run(call, function(c) return c.caller:match("^[12]") and members or guests end)
  call:hangup()
end
