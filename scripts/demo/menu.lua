-- Demo menu on 1000: 1 sales, 2 support, 3 the time (say); anything else is
-- invalid and the menu repeats; after three failures the caller hears goodbye.
return function(call)
  call:answer()
  call:sleep(500) -- let the caller's media settle before the first word
  local r = call:gather{
    prompt = "demo/welcome",
    max = 1,
    timeout = 5000,
    tries = 3,
    valid = "[123]",
    invalid = "demo/invalid",
  }
  if r.reason == "match" then
    call.vars.menu_choice = r.digits
    if r.digits == "3" then
      call:phrase("time.now")
      call:play("demo/goodbye")
    else
      call:play(r.digits == "1" and "demo/sales" or "demo/support")
    end
  elseif r.reason ~= "hangup" then
    call:play("demo/goodbye")
  end
  call:hangup()
end
