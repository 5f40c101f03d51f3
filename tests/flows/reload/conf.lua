-- The reload suite: its scripts are written by the tests themselves into a folder of
-- the build tree (tests/reload.lua), then loaded with reloads, as an editor's saves are.
return {
  scripts = { dir = build_dir .. "/reload-scripts", entry = "dialplan.lua", watch = false },
  sounds = { build_dir .. "/sounds/en", build_dir .. "/sounds" },
  tts = { cache_dir = build_dir .. "/tts-cache" },
  log_level = "error",
}
