-- A module: found under lib/ by its short name; its globals are its own.
counter = (counter or 0) + 1
return { hello = function() return "hello " .. counter end }
