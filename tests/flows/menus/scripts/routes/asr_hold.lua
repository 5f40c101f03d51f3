-- Holds the only speech recogniser (conf.lua: asr.pool = 1) for 30 s.
return function(call)
  call:answer()
  call:gather { speech = { keywords = { "hello" } }, timeout = 30000 }
end
