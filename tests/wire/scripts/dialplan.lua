-- Dialplan of the wire tests (tests/wire/sipp_errors.sh, bad_input.sh):
-- small extensions that each exercise one thing a peer can observe.
local routes = {}

-- 2000: rings for 5 s, then answers; the caller is expected to CANCEL first.
routes["2000"] = function(call)
  call:ring()
  call:sleep(5000)
  call:answer()
  call:hangup()
end

-- 2001: answers and waits (up to 20 s) for the caller to hang up; used for
-- hold/resume re-INVITEs and for bad RTP sent to an active call.
routes["2001"] = function(call)
  call:answer()
  call:sleep(20000)
  call:hangup()
end

-- 2002: answers and collects one digit (SIP INFO in the test), then hangs up.
routes["2002"] = function(call)
  call:answer()
  local r = call:gather{ max = 1, timeout = 10000, tries = 1 }
  call.vars.gathered = r.digits
  call.vars.gather_reason = r.reason
  call:hangup()
end

-- 2003: answers, plays a prompt, hangs up: a short, normal call.
routes["2003"] = function(call)
  call:answer()
  call:play("demo/goodbye")
  call:hangup()
end

return function(call)
  local route = routes[call.destination]
  if not route then
    return call:hangup("UNALLOCATED_NUMBER")
  end
  return route(call)
end
