-- Test extensions, one primitive each; the flow tests in ../tests drive them.
local routes = {}

routes["speak"] = function(call)
  call:answer()
  call:speak("Hello. This is a test of text to speech.")
  call:play("demo/goodbye")
end

routes["speak-barge"] = function(call)
  call:answer()
  local r = call:gather{ prompt = { { speak = "Please enter your account number, then press pound." } },
                         max = 6, terminators = "#", timeout = 3000 }
  call.vars.account = r.digits
  call:speak("You entered " .. r.digits, { voice = "kal" })
end

routes["speak-voice"] = function(call)
  call:answer()
  call.vars.bad_voice = select(3, call:speak("x", { voice = "nobody" })) or "ok"
  call:speak("A sixteen kilohertz voice.", { voice = "slt" })
end

routes["tones"] = function(call)
  call:answer()
  call:tone("ringback", { ms = 4000 })
  call:tone("%(100,100,1000)", { ms = 600 })
  local ok, err, code = call:tone("%(100,x,1000)")
  call.vars.bad_tone = code
  call:tone("busy", { ms = 2000 })
end

return function(call)
  local route = routes[call.destination]
  if not route then return call:hangup("UNALLOCATED_NUMBER") end
  return route(call)
end
