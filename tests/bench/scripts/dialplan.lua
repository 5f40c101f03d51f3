-- Dialplan of the load benchmark (tests/bench/run.sh).
--   1000: a Lua IVR as callers meet it: answer, a menu (welcome prompt,
--         one digit), then hold music until the caller hangs up.
--   2000: call set-up: answer, a short prompt, then wait for the caller's BYE.
local function menu(call)
  call:answer()
  call:sleep(500)
  local r = call:gather{
    prompt = "demo/welcome",
    max = 1,
    timeout = 5000,
    tries = 3,
    valid = "[12]",
    invalid = "demo/invalid",
  }
  call.vars.menu_choice = r.digits
  call.vars.menu_reason = r.reason
  if r.reason ~= "hangup" then
    call:play("music/moh", { loop = true })
  end
end

local function setup(call)
  call:answer()
  call:play("demo/goodbye")
  call:sleep(30000)
end

return function(call)
  if call.destination == "1000" then
    return menu(call)
  elseif call.destination == "2000" then
    return setup(call)
  end
  call:hangup("UNALLOCATED_NUMBER")
end
