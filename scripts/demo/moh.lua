-- 9665: the shared music on hold class until the caller presses # (then goodbye).
return function(call)
  call:answer()
  call:moh("default", { interrupt = "#" })
  call:play("demo/goodbye")
end
