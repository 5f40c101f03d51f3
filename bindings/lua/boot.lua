-- Runs a compiled entry chunk (scripts/dialplan.lua) for one call: the chunk
-- returns the function that handles the call.
return function(chunk, call)
  local entry = chunk()
  if type(entry) ~= "function" then
    error(string.format("the dialplan must return a function taking the call, it returned %s",
      type(entry)), 0)
  end
  return entry(call)
end
