-- Configuration for the TTS flow tests: their own dialplan (scripts/dialplan.lua
-- beside this file), the build's sounds. The same tests run over the wire
-- (tests/wire/tts.sh starts a server on these scripts).
return {
  scripts = { dir = here .. "/scripts", entry = "dialplan.lua" },
  sounds = { build_dir .. "/sounds/en", build_dir .. "/sounds" },
  tts = { cache_dir = build_dir .. "/tts-cache" },
  log_level = "warn",
}
