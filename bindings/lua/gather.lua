-- call:gather{...}: collect digits with prompts, tries and validation, on top
-- of the one-try primitive call:_collect (C). The timers are specified in
-- docs/lua-api.md#gather.

local function accepts(valid, digits)
  if valid == nil then return true end
  local t = type(valid)
  if t == "string" then return string.find(digits, "^" .. valid .. "$") ~= nil end
  if t == "function" then return valid(digits) and true or false end
  if t == "table" then
    for _, v in ipairs(valid) do
      if v == digits then return true end
    end
    return valid[digits] ~= nil
  end
  error("gather: 'valid' must be a pattern string, a list of strings or a function", 3)
end

local function check_int(opts, key, default, lo, hi)
  local v = opts[key]
  if v == nil then return default end
  if math.type(v) ~= "integer" or v < lo or (hi and v > hi) then
    error(string.format("gather: '%s' must be an integer in %d..%s", key, lo, hi or "inf"), 3)
  end
  return v
end

local known = {
  prompt = true, min = true, max = true, timeout = true, inter_digit = true,
  terminators = true, tries = true, valid = true, invalid = true, flush = true,
  speech = true,
}

local speech_known = {
  grammar = "string", grammar_file = "string", keywords = "table", end_silence = "number", max_speech = "number",
  confidence = "number",
}

-- Checks gather's `speech` option; returns the table given to call:_collect.
local function check_speech(sp)
  if sp == nil then return nil end
  if type(sp) ~= "table" then error("gather: 'speech' must be a table", 3) end
  for k, v in pairs(sp) do
    local want = speech_known[k]
    if not want then error("gather: unknown speech option '" .. tostring(k) .. "'", 3) end
    if type(v) ~= want then error("gather: speech." .. k .. " must be a " .. want, 3) end
  end
  local given = (sp.grammar and 1 or 0) + (sp.grammar_file and 1 or 0) + (sp.keywords and 1 or 0)
  if given ~= 1 then
    error("gather: speech needs one of 'grammar' (JSGF text), 'grammar_file' or 'keywords'", 3)
  end
  for i, w in ipairs(sp.keywords or {}) do
    if type(w) ~= "string" or w == "" then
      error("gather: speech.keywords[" .. i .. "] must be a non-empty string", 3)
    end
  end
  for _, k in ipairs({ "end_silence", "max_speech" }) do
    local v = sp[k]
    if v ~= nil and (math.type(v) ~= "integer" or v < 1) then
      error("gather: speech." .. k .. " must be a positive integer (ms)", 3)
    end
  end
  if sp.confidence ~= nil and (sp.confidence < 0 or sp.confidence > 1) then
    error("gather: speech.confidence must be in 0..1", 3)
  end
  return sp
end

return function(methods)
  function methods.gather(call, opts)
    opts = opts or {}
    if type(opts) ~= "table" then error("gather: options must be a table", 2) end
    for k in pairs(opts) do
      if not known[k] then error("gather: unknown option '" .. tostring(k) .. "'", 2) end
    end
    local max = check_int(opts, "max", 64, 1, 64)
    local min = check_int(opts, "min", 1, 0, max)
    local timeout = check_int(opts, "timeout", 5000, 0)
    local try_opts = {
      prompt = opts.prompt,
      min = min,
      max = max,
      timeout = timeout,
      inter_digit = check_int(opts, "inter_digit", 3000, 0),
      terminators = opts.terminators == nil and "#" or opts.terminators,
      flush = opts.flush,
      speech = check_speech(opts.speech),
    }
    local sp = try_opts.speech
    if sp and sp.grammar_file then -- read off the loop; the grammar cache is keyed by text
      local text, err, code = call:_read_grammar(sp.grammar_file)
      if not text then
        error("gather: speech.grammar_file: " .. err, 2)
      end
      local copy = { grammar = text }
      for k, v in pairs(sp) do
        if k ~= "grammar_file" then copy[k] = v end
      end
      try_opts.speech = copy
    end
    local tries = check_int(opts, "tries", 1, 1)
    local last = { digits = "", reason = "timeout" }
    for try = 1, tries do
      local r, err, code = call:_collect(try_opts)
      if not r then return nil, err, code end
      r.tries = try
      if r.reason == "hangup" then return r end
      if r.reason == "speech" then -- recognised: a match, with the words in r.speech
        r.reason = "match"
        return r
      end
      if #r.digits >= min and accepts(opts.valid, r.digits) then
        if opts.valid ~= nil then r.reason = "match" end
        return r
      end
      if r.reason ~= "nomatch" then r.reason = #r.digits == 0 and "timeout" or "invalid" end
      last = r
      if try < tries and opts.invalid then
        local ok, e, c = call:play(opts.invalid)
        if not ok and c ~= "ENOENT" then return nil, e, c end
      end
      try_opts.flush = true
    end
    return last
  end
end
