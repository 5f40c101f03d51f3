-- Configuration for the primitive flow tests: their own dialplan
-- (scripts/dialplan.lua beside this file), the build's sounds.
return {
  scripts = { dir = here .. "/scripts", entry = "dialplan.lua" },
  sounds = { build_dir .. "/sounds/en", build_dir .. "/sounds" },
  tts = { cache_dir = build_dir .. "/tts-cache" },
  recordings = build_dir .. "/test-recordings",
  asr = { pool = 2 }, -- small, so that tests/speech_input.lua can fill it
  log_level = "warn",
}
