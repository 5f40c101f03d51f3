-- The scripts suite: the sandbox, transfers, errors (and reloads: tests/reload.lua).
return {
  scripts = { dir = here .. "/scripts", entry = "dialplan.lua", watch = false,
              on_error = { transfer = "oops", prompt = "demo/error" } },
  sounds = { build_dir .. "/sounds/en", build_dir .. "/sounds" },
  tts = { cache_dir = build_dir .. "/tts-cache" },
  log_level = "error",
}
