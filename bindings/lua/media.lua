-- call:speak and call:tone: playlists of one item, so that they share play's
-- behaviour (interrupt digits, hangup, errors) and can be mixed with sounds
-- in play's lists and gather's prompts: { "demo/welcome", { speak = "..." } }.
return function(methods)
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
