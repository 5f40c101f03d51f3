-- Extensions that speak, for tests/tts.lua (in-process and over the wire).
local routes = {}

routes["hello"] = function(call)
  call:answer()
  call:speak("Hello. This is a test of text to speech.")
  call:play("demo/goodbye")
end

-- Three sentences: synthesised one by one, played as one prompt.
routes["sentences"] = function(call)
  call:answer()
  call:speak("Thank you for calling. Your call is important to us. Please stay on the line.")
  call:play("demo/goodbye")
end

-- The 16 kHz voices, resampled to the call's 8 kHz.
routes["voices"] = function(call)
  call:answer()
  call:speak("This is the voice called slt.", { voice = "slt" })
  call:speak("And this one is called awb.", { voice = "awb" })
  call:speak("Kal sixteen speaks last.", { voice = "kal16" })
end

-- A prompt of speech cut by a digit, then speech with a value known at runtime.
routes["barge"] = function(call)
  call:answer()
  local r = call:gather { prompt = { { speak = "Please enter your account number, then press pound." } },
                          max = 6, terminators = "#", timeout = 4000 }
  call:speak("You entered " .. r.digits .. ".")
end

-- Sounds and speech in one playlist; the same text twice.
routes["mixed"] = function(call)
  call:answer()
  call:play { "demo/invalid", { speak = "Your balance is forty two dollars." }, "demo/goodbye" }
  call:speak("Your balance is forty two dollars.")
end

-- Its first sentence is the sound file demo/invalid, word for word (flite kal both).
routes["prefix"] = function(call)
  call:answer()
  call:speak("That is not a valid option. Please try again later, or call us tomorrow morning.")
  call:play("demo/goodbye")
end

-- The same audio as the sound file demo/goodbye.
routes["twin"] = function(call)
  call:answer()
  call:speak("Goodbye.")
end

return function(call)
  local route = routes[call.destination]
  if route then return route(call) end
  call:hangup("UNALLOCATED_NUMBER")
end
