-- Every inbound call starts here: this file returns the function that
-- handles the call. Routes by destination; unknown numbers get 404.
local routes = {
  ["1000"] = "demo.menu",
  ["9196"] = "demo.echo",
  ["9664"] = "demo.hold_music",
  ["9665"] = "demo.moh",
}

return function(call)
  local module = routes[call.destination]
  if not module then
    return call:hangup("UNALLOCATED_NUMBER")
  end
  call.vars.route = module
  return require(module)(call)
end
