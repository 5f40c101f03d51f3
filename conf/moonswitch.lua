-- moonswitch configuration: a Lua chunk returning a table.
-- Available here: `here` (this file's directory), `source_dir`, `build_dir`,
-- `state_dir` (the trees this binary uses: its source and build trees, or
-- the installed ones), os.getenv, string, math, table. Every key is
-- documented in docs/configuration.md; an unknown key or a bad value stops
-- the server at start with the key and the reason.
return {
  sip = {
    listen = "127.0.0.1:5060",
    transports = { "udp", "tcp" },
    user_agent = "moonswitch/0.1",
  },
  rtp = {
    ip = "127.0.0.1",        -- bound and announced in SDP
    ports = "16384-32767",
  },
  codecs = { "PCMU", "PCMA" }, -- our preference order
  dtmf = { inband = "auto" },  -- in-band detection only when RFC 4733 was not negotiated
  scripts = { dir = source_dir .. "/scripts", entry = "dialplan.lua" },
  sounds = { build_dir .. "/sounds/en", build_dir .. "/sounds" }, -- searched in order
  db = os.getenv("MOONSWITCH_DB") or (state_dir .. "/moonswitch.db"),
  log_level = "info",
  moh = { -- music on hold classes: call:moh("default")
    default = { dir = build_dir .. "/sounds/8000/music", shuffle = false },
  },
  max_calls = 10000,
  audio_cache_mb = 64,
}
