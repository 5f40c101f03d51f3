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

routes["fax-detect"] = function(call)
  call:answer()
  local heard, err, code = call:wait_tone({ "fax-cng", "busy" }, { timeout = 6000 })
  call.vars.tone = heard or code
end

routes["tones"] = function(call)
  call:answer()
  call:tone("ringback", { ms = 4000 })
  call:tone("%(100,100,1000)", { ms = 600 })
  local ok, err, code = call:tone("%(100,x,1000)")
  call.vars.bad_tone = code
  call:tone("busy", { ms = 2000 })
end

-- record/<case>: records to tests/<id>.wav with the options the case names.
local record_opts = {
  terminator = { terminators = "#", max_seconds = 60 },
  silence = { silence_seconds = 3, beep = false },
  max = { max_seconds = 4, beep = false },
  hangup = { max_seconds = 60 },
  trim = { beep = false, trim = true, terminators = "#" },
}

local function record(call, case)
  call:answer()
  local r, err, code = call:record("tests/" .. call.id .. ".wav", record_opts[case])
  if not r then
    call.vars.record_error = code
    return
  end
  call.vars.record_path = r.path
  call.vars.record_reason = r.reason
  call.vars.record_duration = string.format("%.2f", r.duration)
  call:play("demo/goodbye")
end

routes["record-outside"] = function(call)
  call:answer()
  local _, _, code1 = call:record("../../etc/x.wav")
  local _, _, code2 = call:record("/tmp/x.wav")
  call.vars.outside = tostring(code1) .. " " .. tostring(code2)
end

return function(call)
  local case = call.destination:match("^record%-(%a+)$")
  if case and record_opts[case] then return record(call, case) end
  local route = routes[call.destination]
  if not route then return call:hangup("UNALLOCATED_NUMBER") end
  return route(call)
end
