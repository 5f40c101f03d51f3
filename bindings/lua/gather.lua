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
}

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
    }
    local tries = check_int(opts, "tries", 1, 1)
    local last = { digits = "", reason = "timeout" }
    for try = 1, tries do
      local r, err, code = call:_collect(try_opts)
      if not r then return nil, err, code end
      r.tries = try
      if r.reason == "hangup" then return r end
      if #r.digits >= min and accepts(opts.valid, r.digits) then
        if opts.valid ~= nil then r.reason = "match" end
        return r
      end
      r.reason = #r.digits == 0 and "timeout" or "invalid"
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
