-- Music on hold on 9664, until the caller hangs up.
return function(call)
  call:answer()
  call:play("music/moh", { loop = true })
end
