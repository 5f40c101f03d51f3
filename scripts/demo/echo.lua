-- Echo test on 9196: what the caller says comes back until they hang up.
return function(call)
  call:answer()
  call:play("demo/echo")
  call:echo()
end
