-- call:speak and call:tone: playlists of one item, so that they share play's
-- behaviour (interrupt digits, hangup, errors) and can be mixed with sounds
-- in play's lists and gather's prompts: { "demo/welcome", { speak = "..." } }.
-- call:say and call:phrase: the language's phrase module (prompts/<lang>/)
-- turns a value into such a list, which is played.

local say = require "moonswitch.say"
local core = require "moonswitch"
local config = core.config

-- Whether a sound exists in the sound directories (the phrase module falls back
-- to speech for missing words): the generation listed them when it was built,
-- off the loop. A sound added later is known after the next reload.
-- Language objects are loaded once per generation of the scripts (prompts/ is
-- part of it) and shared by its calls: they hold no call state.
local generation = require "moonswitch.generation"
local function language(call, name)
  name = name or call.vars.language or config.language
  local gen = core.generation()
  local lang = gen.languages[name]
  if lang then return lang end
  local err, code
  lang, err, code = say.language(config.prompts, name, {
    has = function(sound) return gen.sounds[sound] == true end,
    source = function(l, file) return generation.prompt_source(gen, l, file) end,
  })
  if not lang then return nil, err, code end
  gen.languages[name] = lang
  return lang
end

local MAX_PER_PLAY = 64

-- Plays a list of any length (play takes at most 64 entries at a time).
local function play_all(call, list, play_opts)
  for i = 1, #list, MAX_PER_PLAY do
    local ok, a, b = call:play(table.move(list, i, math.min(#list, i + MAX_PER_PLAY - 1), 1, {}),
      play_opts)
    if not ok or a then return ok, a, b end -- failed, or interrupted by a digit
  end
  return true
end

return function(methods)
  -- call:say(kind, value, opts): number, ordinal, digits, money, date, time, datetime,
  -- duration, phone, extension, ip, letters, phonetic (docs/phrases.md)
  function methods.say(call, kind, value, opts)
    local lang_opts, play_opts = say.split_options(opts)
    local lang, err, code = language(call, play_opts.language)
    if not lang then return nil, err, code end
    local list, why = lang:try_sounds(kind, value, lang_opts)
    if not list then error(why, 2) end
    return play_all(call, list, play_opts)
  end

  -- call:phrase(name, args, opts): a named phrase of the language, e.g. "vm.new_messages"
  function methods.phrase(call, name, args, opts)
    local _, play_opts = say.split_options(opts)
    local lang, err, code = language(call, play_opts.language)
    if not lang then return nil, err, code end
    local list, why = lang:try_phrase(name, args)
    if not list then error(why, 2) end
    return play_all(call, list, play_opts)
  end

  -- call:speak(text, {voice = "kal"|"kal16"|"slt"|"rms"|"awb", interrupt = "#"})
  function methods.speak(call, text, opts)
    if type(text) ~= "string" then error("speak: text must be a string", 2) end
    opts = opts or {}
    return call:play({ { speak = text, voice = opts.voice } }, opts)
  end

  -- call:tone(spec_or_name, {ms = 3000, interrupt = "#"}): "busy", "ringback", "congestion",
  -- "dial", "beep", or a spec such as "%(500,500,480,620)"
  function methods.tone(call, spec, opts)
    if type(spec) ~= "string" then error("tone: spec must be a string", 2) end
    opts = opts or {}
    return call:play({ { tone = spec, ms = opts.ms } }, opts)
  end
end
