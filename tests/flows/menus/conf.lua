-- Configuration for the menu and dialplan flow tests: their own dialplan
-- (scripts/dialplan.lua beside this file, a routing table built with
-- moonswitch.dialplan), the build's sounds. Prompts are mostly speech
-- ({speak = ...}), so that a test reads what the caller hears.
return {
  scripts = { dir = here .. "/scripts", entry = "dialplan.lua" },
  sounds = { build_dir .. "/sounds/en", build_dir .. "/sounds" },
  tts = { cache_dir = build_dir .. "/tts-cache" },
  recordings = build_dir .. "/test-recordings",
  asr = { pool = 1 }, -- one recogniser: tests/speech.lua fills it to see the fallback to digits
  log_level = "warn",
}
