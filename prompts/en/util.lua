-- Helpers shared by the English kinds: value checks and list building.
-- A check failure raises a message without a position; moonswitch.say
-- prefixes it with the kind and the value.

local U = {}

function U.fail(fmt, ...)
  error(string.format(fmt, ...), 0)
end

-- Raises on an option the kind does not know (a typo must not pass silently).
function U.check_opts(opts, known)
  for k in pairs(opts) do
    if not known[k] then
      local names = {}
      for n in pairs(known) do names[#names + 1] = n end
      table.sort(names)
      U.fail("unknown option '%s' (known: %s)", tostring(k), table.concat(names, ", "))
    end
  end
end

-- opts[key] must be nil or one of the allowed values; returns it or the default.
function U.choice(opts, key, allowed, default)
  local v = opts[key]
  if v == nil then return default end
  for _, a in ipairs(allowed) do
    if v == a then return v end
  end
  local shown = {}
  for i, a in ipairs(allowed) do shown[i] = type(a) == "string" and string.format("%q", a) or tostring(a) end
  U.fail("option '%s' must be %s", key, table.concat(shown, " or "))
end

function U.flag(opts, key, default)
  local v = opts[key]
  if v == nil then return default end
  if type(v) ~= "boolean" then U.fail("option '%s' must be true or false", key) end
  return v
end

-- An integer from an integer, an integral float or a string of digits.
function U.integer(v)
  if math.type(v) == "integer" then return v end
  if math.type(v) == "float" then
    if v ~= v or v == math.huge or v == -math.huge or v ~= math.floor(v) then
      U.fail("expected an integer")
    end
    local i = math.tointeger(v)
    if not i then U.fail("out of range") end
    return i
  end
  if type(v) == "string" then
    local s = v:match("^%s*([+-]?%d+)%s*$")
    if not s then U.fail("expected an integer") end
    local i = math.tointeger(tonumber(s))
    if not i or #s:gsub("^[+-]?0*", "") > 18 then U.fail("out of range") end
    return i
  end
  U.fail("expected an integer, got a %s", type(v))
end

-- Appends every entry of each list given.
function U.extend(out, ...)
  for i = 1, select("#", ...) do
    for _, e in ipairs((select(i, ...))) do out[#out + 1] = e end
  end
  return out
end

return U
