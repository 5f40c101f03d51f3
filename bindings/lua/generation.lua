-- moonswitch.generation: one generation of the scripts (docs/scripts.md#reload).
--
-- The C side (bindings/gen.c) reads every .lua file of scripts/ and prompts/
-- off the loop, compiles them, and hands the compiled script modules and the
-- prompt sources to new(). A generation never changes afterwards: calls that
-- started with it keep using it (their require, their phrase modules) until
-- they end, while new calls get the newest generation.

local sandbox = require "moonswitch.sandbox"

local M = {}

-- Libraries a script may require by name: the sandbox's views of them.
local LIBS = { string = true, table = true, math = true, utf8 = true, coroutine = true, os = true }

local function module_env(base)
  return setmetatable({}, { __index = base })
end

-- new{ id =, modules = { [name] = function }, prompts = { ["en/init"] = text },
--      prompts_dir =, sounds = { ["demo/welcome"] = true }, trust = {} } -> the generation
function M.new(o)
  local gen = {
    id = o.id,
    modules = o.modules,
    prompts = o.prompts,
    prompts_dir = o.prompts_dir,
    sounds = o.sounds or {}, -- names of the sounds in the sound directories when it was built
    languages = {}, -- phrase-language objects of this generation (bindings/lua/media.lua)
    loaded = {},
  }
  local loading = {}
  local base
  local function require_(name)
    if type(name) ~= "string" then error("require: module name must be a string", 2) end
    local v = gen.loaded[name]
    if v ~= nil then return v end
    if LIBS[name] then return base[name] end
    if name == "moonswitch" or name:find("^moonswitch%.") then return require(name) end
    local f = gen.modules[name]
    if not f then
      error(string.format("module '%s' not found in the scripts of generation %d", name, gen.id), 2)
    end
    if loading[name] then error("require: module '" .. name .. "' requires itself", 2) end
    loading[name] = true
    local ok, r = pcall(f, name)
    loading[name] = nil
    if not ok then error(r, 0) end
    if r == nil then r = true end
    gen.loaded[name] = r
    return r
  end
  base = sandbox.new { trust = o.trust, require = require_ }
  gen.env = base
  for _, f in pairs(gen.modules) do
    debug.setupvalue(f, 1, module_env(base)) -- each module's globals are its own
  end
  return gen
end

-- The entry's check before a generation is activated: its top level runs (in
-- an environment of its own, like a call's) and must return a function.
function M.check(gen, entry, name)
  debug.setupvalue(entry, 1, setmetatable({}, { __index = gen.env }))
  local f = entry()
  if type(f) ~= "function" then
    error(string.format("%s must return a function taking the call, it returned %s", name, type(f)), 0)
  end
  return true
end

-- The source of a phrase module file of this generation ("en/init"), or nil.
function M.prompt_source(gen, lang, name)
  return gen.prompts[lang .. "/" .. name]
end

return M
