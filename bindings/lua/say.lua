-- moonswitch.say: loads a language's phrase module (prompts/<lang>/init.lua)
-- and turns say kinds and named phrases into lists of sounds.
--
--   local say = require "moonswitch.say"
--   local en = assert(say.language("prompts", "en", { has = function(name) ... end }))
--   en:sounds("number", 105, { style = "and" })  --> { "digits/1", "digits/hundred", "vm-and", "digits/5" }
--   en:phrase("vm.new_messages", { count = 3 })  --> { "vm-youhave", "digits/3", "vm-INBOX", "vm-messages" }
--
-- A list holds sound names (strings), { speak = "text" } (text to
-- synthesise) and { pause = ms } (silence). The language files run in a
-- sandbox: no io, no os.execute, no load; `require` finds sibling files of
-- the language folder only. See docs/phrases.md.

local M = {}

local NAME_PATTERN = "^[%w_%-]+$"

-- A sound name: folders and a file name of letters, digits, _ and -.
local function valid_sound(name)
  if name == "" then return false end
  for part in (name .. "/"):gmatch("([^/]*)/") do
    if not part:match(NAME_PATTERN) then return false end
  end
  return true
end

-- ---- values in messages ----------------------------------------------------

local function repr(v, depth)
  local t = type(v)
  if t == "string" then return string.format("%q", v) end
  if t ~= "table" then return tostring(v) end
  if (depth or 0) > 1 then return "{...}" end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for i, k in ipairs(keys) do
    if i > 6 then parts[#parts + 1] = "..." break end
    local key = type(k) == "string" and k:match("^[%a_][%w_]*$") and k or "[" .. repr(k, 2) .. "]"
    parts[#parts + 1] = key .. " = " .. repr(v[k], (depth or 0) + 1)
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local function clip(s)
  if #s > 120 then return s:sub(1, 117) .. "..." end
  return s
end

-- ---- the sandbox -----------------------------------------------------------

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

local SAFE = {
  "assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal", "rawget", "rawlen",
  "rawset", "select", "setmetatable", "getmetatable", "tonumber", "tostring", "type", "xpcall",
}

local function file_exists(path)
  local f = io.open(path, "r")
  if f then f:close() end
  return f ~= nil
end

-- The environment the files of one language run in. Modules are loaded once
-- per language object; `language(name)` loads another language's definition
-- (for a variant such as en_GB that starts from en).
local function new_env(dir, lang, loading, source)
  local env = {}
  for _, k in ipairs(SAFE) do env[k] = _G[k] end
  env.string, env.table, env.math, env.utf8 = copy(string), copy(table), copy(math), copy(utf8)
  env.os = { time = os.time, date = os.date, clock = os.clock, difftime = os.difftime }
  env._G = env
  local loaded = {}
  function env.require(name)
    if type(name) ~= "string" or not name:match("^[%w_]+[%w_.]*$") or name:find("..", 1, true) then
      error("require: bad module name " .. repr(name), 2)
    end
    if loaded[name] ~= nil then return loaded[name] end
    local rel = (name:gsub("%.", "/"))
    local path = string.format("%s/%s/%s.lua", dir, lang, rel)
    local chunk, err
    if source then -- the sources of the running generation (no file access)
      local text = source(lang, rel)
      if not text then error(string.format("require: no module '%s' in %s/%s", name, dir, lang), 2) end
      chunk, err = load(text, "@" .. path, "t", env)
    else
      if not file_exists(path) then
        error(string.format("require: no module '%s' in %s/%s", name, dir, lang), 2)
      end
      chunk, err = loadfile(path, "t", env)
    end
    if not chunk then error(err, 0) end
    local value = chunk(name)
    if value == nil then value = true end
    loaded[name] = value
    return value
  end
  function env.language(other)
    if type(other) ~= "string" or not other:match(NAME_PATTERN) then
      error("language: bad language name " .. repr(other), 2)
    end
    if loading[other] then error("language: '" .. other .. "' includes itself", 2) end
    loading[other] = true
    local def = new_env(dir, other, loading, source).require("init")
    loading[other] = nil
    return def
  end
  return env
end

local function check_definition(def, where)
  if type(def) ~= "table" then return where .. "/init.lua must return a table" end
  for _, field in ipairs { "kinds", "phrases" } do
    if type(def[field]) ~= "table" then return where .. "/init.lua: '" .. field .. "' must be a table" end
    for k, f in pairs(def[field]) do
      if type(k) ~= "string" or type(f) ~= "function" then
        return string.format("%s/init.lua: %s[%s] must be a function", where, field, repr(k))
      end
    end
  end
  for _, field in ipairs { "words", "soundsets", "defaults" } do
    if def[field] ~= nil and type(def[field]) ~= "table" then
      return where .. "/init.lua: '" .. field .. "' must be a table"
    end
  end
  return nil
end

-- ---- resolving names against the configured sound set -----------------------

local Language = {}
Language.__index = Language

local function known(self, name)
  local c = self._has_cache[name]
  if c == nil then
    c = self._has(name) and true or false
    self._has_cache[name] = c
  end
  return c
end

-- An entry of a soundset map: a name, a list of names, or { speak = text }.
local function usable(self, alt)
  if type(alt) == "string" then return known(self, alt) end
  if type(alt) ~= "table" then return false end
  if alt.speak ~= nil then return true end
  for _, n in ipairs(alt) do
    if not known(self, n) then return false end
  end
  return #alt > 0
end

local function text_of(self, name)
  local words = self._def.words or {}
  return words[name] or (name:match("([^/]+)$"):gsub("[-_]", " "))
end

local function substitute(self, name, out)
  local map = self._soundset
  local alt = map and map[name]
  if alt == nil and self._has then
    if known(self, name) then
      out[#out + 1] = name
      return
    end
    for _, m in ipairs(self._maps) do
      if m[name] ~= nil and usable(self, m[name]) then
        alt = m[name]
        break
      end
    end
    if alt == nil then alt = { speak = text_of(self, name) } end
  end
  if alt == nil then
    out[#out + 1] = name
  elseif type(alt) == "string" then
    out[#out + 1] = alt
  elseif alt.speak ~= nil then
    out[#out + 1] = { speak = alt.speak }
  else
    for _, n in ipairs(alt) do out[#out + 1] = n end
  end
end

-- Checks the language's list, maps names to the sound set, joins adjacent
-- speech and drops pauses if the player does not want them.
local function finish(self, list)
  if type(list) ~= "table" then error("it returned " .. type(list) .. ", not a list", 0) end
  local mapped = {}
  for i, e in ipairs(list) do
    if type(e) == "string" then
      if not valid_sound(e) then
        error(string.format("entry %d is a bad sound name %q", i, e), 0)
      end
      substitute(self, e, mapped)
    elseif type(e) == "table" and type(e.speak) == "string" then
      mapped[#mapped + 1] = { speak = e.speak }
    elseif type(e) == "table" and math.type(e.pause) == "integer" and e.pause >= 0 then
      if self._pauses and e.pause > 0 then mapped[#mapped + 1] = { pause = e.pause } end
    else
      error(string.format("entry %d is not a sound name, {speak=} or {pause=}: %s", i, repr(e)), 0)
    end
  end
  local out = {}
  for _, e in ipairs(mapped) do
    local last = out[#out]
    if type(e) == "table" and e.speak and type(last) == "table" and last.speak then
      last.speak = last.speak .. " " .. e.speak
    else
      out[#out + 1] = e
    end
  end
  return out
end

local function with_defaults(defaults, opts)
  if defaults == nil then return opts end
  local merged = copy(defaults)
  for k, v in pairs(opts) do merged[k] = v end
  return merged
end

local function run(self, what, f, ...)
  local ok, list = pcall(f, ...)
  if ok then ok, list = pcall(finish, self, list) end
  if ok then return list end
  if type(list) ~= "string" then list = repr(list) end
  return nil, clip(what) .. ": " .. list
end

-- lang:try_sounds(kind, value, opts) -> list, or nil and a message naming
-- the kind and the value. Argument misuse in the call itself still raises.
function Language:try_sounds(kind, value, opts)
  if type(kind) ~= "string" then error("say: the kind must be a string, got " .. type(kind), 2) end
  if opts ~= nil and type(opts) ~= "table" then
    error("say: options must be a table, got " .. type(opts), 2)
  end
  local f = self._def.kinds[kind]
  if not f then
    return nil, string.format("say: unknown kind %q (language %s; kinds: %s)", kind, self.name,
      table.concat(self:kinds(), ", "))
  end
  opts = with_defaults(self._def.defaults and self._def.defaults[kind], opts or {})
  return run(self, "say " .. kind .. " " .. repr(value), f, value, opts)
end

-- lang:sounds(kind, value, opts) -> list; a bad value raises.
function Language:sounds(kind, value, opts)
  local list, err = self:try_sounds(kind, value, opts)
  if not list then error(err, 2) end
  return list
end

function Language:try_phrase(name, args)
  if type(name) ~= "string" then error("phrase: the name must be a string, got " .. type(name), 2) end
  if args ~= nil and type(args) ~= "table" then
    error("phrase: arguments must be a table, got " .. type(args), 2)
  end
  local f = self._def.phrases[name]
  if not f then return nil, string.format("phrase: unknown phrase %q (language %s)", name, self.name) end
  return run(self, "phrase " .. name .. " " .. repr(args or {}), f, args or {})
end

function Language:phrase(name, args)
  local list, err = self:try_phrase(name, args)
  if not list then error(err, 2) end
  return list
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t or {}) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

function Language:kinds() return sorted_keys(self._def.kinds) end
function Language:phrases() return sorted_keys(self._def.phrases) end
-- Every sound name the language declares, sorted.
function Language:words() return sorted_keys(self._def.words) end
-- The text of a sound name (what {speak=} falls back to).
function Language:text(name) return self._def.words and self._def.words[name] end

Language.__tostring = function(self) return "moonswitch.say.language (" .. self.name .. ")" end
Language.__name = "moonswitch.say.language"

-- Options of call:say that are about playing, not about the language.
M.PLAY_OPTIONS = { interrupt = true, loop = true, language = true, voice = true }

-- say.split_options(opts) -> language options, play options (new tables).
function M.split_options(opts)
  if opts == nil then return {}, {} end
  if type(opts) ~= "table" then error("say: options must be a table, got " .. type(opts), 2) end
  local lang, play = {}, {}
  for k, v in pairs(opts) do
    if M.PLAY_OPTIONS[k] then play[k] = v else lang[k] = v end
  end
  return lang, play
end

-- say.language(dir, lang [, opts]) -> language object, or nil, message, code.
--   opts.has(name) -> boolean: is this sound in the configured sound set?
--     With it, a missing name is replaced by the first usable entry of the
--     language's soundset maps, else by { speak = its text }. Answers are
--     cached for the life of the object.
--   opts.soundset = "asterisk": apply that map (soundset_asterisk) first,
--     without asking has().
--   opts.pauses = false: drop { pause = ms } entries.
--   opts.source(lang, name) -> text or nil: the language's files come from it
--     (a generation of the scripts, moonswitch.generation) instead of dir.
function M.language(dir, lang, opts)
  if type(dir) ~= "string" or dir == "" then error("say.language: dir must be a string", 2) end
  if type(lang) ~= "string" or not lang:match(NAME_PATTERN) then
    error("say.language: bad language name " .. repr(lang), 2)
  end
  opts = opts or {}
  if type(opts) ~= "table" then error("say.language: options must be a table", 2) end
  if opts.has ~= nil and type(opts.has) ~= "function" then
    error("say.language: 'has' must be a function", 2)
  end
  if opts.soundset ~= nil and type(opts.soundset) ~= "string" then
    error("say.language: 'soundset' must be a string", 2)
  end
  if opts.source ~= nil and type(opts.source) ~= "function" then
    error("say.language: 'source' must be a function", 2)
  end
  local where = dir .. "/" .. lang
  local exists
  if opts.source then exists = opts.source(lang, "init") ~= nil else exists = file_exists(where .. "/init.lua") end
  if not exists then
    return nil, "ENOENT: no language '" .. lang .. "' (no " .. where .. "/init.lua)", "ENOENT"
  end
  local ok, def = pcall(function()
    return new_env(dir, lang, { [lang] = true }, opts.source).require("init")
  end)
  if not ok then return nil, "EFORMAT: language " .. lang .. ": " .. tostring(def), "EFORMAT" end
  local bad = check_definition(def, where)
  if bad then return nil, "EFORMAT: " .. bad, "EFORMAT" end
  local self = setmetatable({
    name = lang,
    _def = def,
    _has = opts.has,
    _has_cache = {},
    _pauses = opts.pauses ~= false,
    _maps = {},
  }, Language)
  for _, k in ipairs(sorted_keys(def.soundsets)) do self._maps[#self._maps + 1] = def.soundsets[k] end
  if opts.soundset then
    self._soundset = def.soundsets and def.soundsets[opts.soundset]
    if not self._soundset then
      error(string.format("say.language: language %s has no soundset %q", lang, opts.soundset), 2)
    end
  end
  return self
end

return M
