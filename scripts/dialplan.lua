-- Every inbound call starts here: this file returns the function that handles
-- the call. The demo's routing table is data (docs/menus.md#dialplan): the first
-- route that matches runs; unknown numbers get 404.
local dialplan = require "moonswitch.dialplan"

return dialplan.new {
  { destination = "1000", run = "demo.menu" },        -- the demo IVR (scripts/demo/menu.lua)
  { destination = "9196", run = "demo.echo" },        -- echo test
  { destination = "9664", run = "demo.hold_music" },  -- a music file, looped
  { destination = "9665", run = "demo.moh" },         -- the shared music-on-hold class
  default = { hangup = "UNALLOCATED_NUMBER" },
}
