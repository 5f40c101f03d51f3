-- 8xxx: the route set call.vars.mailbox from the pattern's capture; the handler
-- also gets the captures as its second argument.
return function(call, m)
  call:answer()
  call:speak("Mailbox " .. m[1] .. ".")
  call.vars.same_capture = tostring(m[1] == call.vars.mailbox)
end
