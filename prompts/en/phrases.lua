-- Named phrases: call:phrase(name, args). Each takes a table of arguments
-- and returns a list of sounds; a bad or missing argument raises.

local U = require "util"
local N = require "numbers"
local D = require "dates"

local P = {}

-- args[key] as a non-negative integer (or nil when optional).
local function count(args, key, optional)
  local v = args[key]
  if v == nil and optional then return nil end
  if math.type(v) ~= "integer" or v < 0 then
    U.fail("'%s' must be a non-negative integer, got %s", key, v == nil and "nothing" or tostring(v))
  end
  if v > N.MAX then U.fail("'%s' is out of range", key) end
  return v
end

local function only(args, known)
  for k in pairs(args) do
    if not known[k] then U.fail("unknown argument '%s'", tostring(k)) end
  end
end

-- "no" / "one" / "three" + "new" + "message(s)"
local function messages(n, kind, out)
  if n == 0 then
    out[#out + 1] = "vm-no"
  else
    U.extend(out, N.cardinal(n))
  end
  out[#out + 1] = kind
  out[#out + 1] = n == 1 and "vm-message" or "vm-messages"
  return out
end

-- {count = 3}: "you have three new messages"; 0: "you have no new messages".
P["vm.new_messages"] = function(args)
  only(args, { count = true })
  return messages(count(args, "count"), "vm-INBOX", { "vm-youhave" })
end

-- {new = 2, old = 1}: "you have two new messages and one old message";
-- only old ones: "you have one old message"; none: "you have no messages".
P["vm.messages"] = function(args)
  only(args, { new = true, old = true })
  local new, old = count(args, "new", true) or 0, count(args, "old", true) or 0
  local out = { "vm-youhave" }
  if new == 0 and old == 0 then
    out[2], out[3] = "vm-no", "vm-messages"
    return out
  end
  if new > 0 then messages(new, "vm-INBOX", out) end
  if new > 0 and old > 0 then out[#out + 1] = "vm-and" end
  if old > 0 then messages(old, "vm-Old", out) end
  return out
end

-- {number = 1}: "first message"; {number = 4}: "message four";
-- {number = 4, last = true}: "last message".
P["vm.message_number"] = function(args)
  only(args, { number = true, last = true })
  local n = count(args, "number")
  if n < 1 then U.fail("'number' must be 1 or more") end
  if args.last ~= nil and type(args.last) ~= "boolean" then U.fail("'last' must be true or false") end
  if args.last then return { "vm-last", "vm-message" } end
  if n == 1 then return { "vm-first", "vm-message" } end
  return U.extend({ "vm-message" }, N.cardinal(n))
end

-- {time = t, now = t}: "received today at three oh five p m".
P["vm.received"] = function(args)
  only(args, { time = true, now = true, utc = true })
  if args.time == nil then U.fail("'time' is required") end
  return U.extend({ "vm-received" },
    D.kinds.datetime(args.time, { now = args.now or os.time(), utc = args.utc }))
end

-- {position = 1}: "your call is now first in line..."; 4: "you are
-- currently caller number four".
P["queue.position"] = function(args)
  only(args, { position = true })
  local n = count(args, "position")
  if n < 1 then U.fail("'position' must be 1 or more") end
  if n == 1 then return { "queue-youarenext" } end
  return U.extend({ "queue-thereare" }, N.cardinal(n))
end

-- {seconds = 200}: "the estimated hold time is currently four minutes"
-- (rounded up); under a minute: "... less than one minute".
P["queue.hold_time"] = function(args)
  only(args, { seconds = true })
  local s = count(args, "seconds")
  local out = { "queue-holdtime" }
  if s < 60 then return U.extend(out, { "queue-less-than", "digits/1", "queue-minute" }) end
  local m = (s + 59) // 60
  U.extend(out, N.cardinal(m))
  out[#out + 1] = m == 1 and "queue-minute" or "queue-minutes"
  return out
end

-- {now = t (default: the current time), clock = 12|24, utc = bool}:
-- "the time is three oh five p m".
P["time.now"] = function(args)
  only(args, { now = true, clock = true, utc = true })
  local t = D.read(args.now or os.time(), { time = true }, args.utc)
  return D.say_time(t, { clock = args.clock }, { "the-time-is" })
end

-- {key = "1", option = "demo/sales" or {speak = "sales"}}: "for sales, press one".
P["menu.option"] = function(args)
  only(args, { key = true, option = true })
  local key = args.key
  if math.type(key) == "integer" then key = tostring(key) end
  if type(key) ~= "string" or not key:match("^[%d*#]$") then U.fail("'key' must be one key: 0-9, * or #") end
  local option = args.option
  if not (type(option) == "string" or (type(option) == "table" and type(option.speak) == "string")) then
    U.fail("'option' must be a sound name or {speak = text}")
  end
  return U.extend({ "for", option, "vm-press" }, N.digits(key))
end

-- {digits = "1234"}: "you entered one two three four".
P["input.entered"] = function(args)
  only(args, { digits = true })
  if args.digits == nil then U.fail("'digits' is required") end
  return U.extend({ "you-entered" }, N.digits(N.digit_string(args.digits, "%d*#")))
end

return P
