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

local MENU_GRAMMAR = [[
#JSGF V1.0;
grammar menu;
public <item> = sales | support | operator;
]]

-- Speech or digits: the result goes to variables for the test to check.
local function keep_result(call, r, err, code)
  if not r then
    call.vars.asr_error = code
    return
  end
  call.vars.reason = r.reason
  call.vars.speech = r.speech
  call.vars.digits = r.digits
  call.vars.tries = r.tries
  call.vars.confidence = r.confidence and string.format("%.2f", r.confidence)
end

routes["asr-menu"] = function(call)
  call:answer()
  local r, err, code = call:gather{
    prompt = { { speak = "Say sales or support, or press 1 or 2." } },
    speech = { grammar = MENU_GRAMMAR },
    max = 1, timeout = 4000, tries = 2,
    invalid = { { speak = "Sorry, I did not understand." } },
  }
  keep_result(call, r, err, code)
  if r and r.speech then call:speak("You said " .. r.speech .. ".") end
end

routes["asr-keywords"] = function(call)
  call:answer()
  keep_result(call, call:gather{
    prompt = { { speak = "How can I help?" } },
    speech = { keywords = { "billing", "technical support" }, end_silence = 600 },
    timeout = 4000,
  })
end

-- Holds a recogniser for a long time (the pool test).
routes["asr-hold"] = function(call)
  call:answer()
  keep_result(call, call:gather{ speech = { keywords = { "hello" } }, timeout = 30000 })
end

routes["asr-file"] = function(call)
  call:answer()
  keep_result(call, call:gather{
    prompt = { { speak = "Yes or no?" } },
    speech = { grammar_file = "grammars/yesno.gram" },
  })
  local ok, e = pcall(call.gather, call, { speech = { grammar_file = "../conf.lua" } })
  call.vars.outside = not ok and tostring(e) or "none"
end

routes["asr-bad-grammar"] = function(call)
  call:answer()
  local ok, e = pcall(call.gather, call, { speech = { grammar = "#JSGF V1.0; grammar g; public <a> = sales | zzqxv;" } })
  call.vars.asr_error = not ok and tostring(e) or "none"
  ok, e = pcall(call.gather, call, { speech = { grammar = "public <a> = ;" } })
  call.vars.asr_error2 = not ok and tostring(e) or "none"
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
