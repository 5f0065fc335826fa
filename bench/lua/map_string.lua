-- map_string: a map with string keys: insert, look up, remove.
-- After Wren's map_string: keys are three-word phrases "adverb adjective
-- noun" built from word lists (our own lists, generated from stems so that
-- every key is distinct: 4 adverbs x 200 adjectives x n nouns, 160_000 keys
-- at the default n = 200, about Wren's 4 x 205 x 206). The keys are built
-- first; then every key is inserted with its index as value, every key is
-- looked up and the values summed, and every key is removed. Prints the sum,
-- which is k(k-1)/2 for k keys only if all keys were distinct and found, and
-- the number of entries left (0). Measures string hashing and map operations
-- on string keys (and, for the building phase, string concatenation).
-- Size: n nouns, at most 200 (default 200 -> 12799920000 / 0;
--        20 -> 127992000 / 0).

local ADVERBS = { "barely", "quite", "rather", "truly" }

local ADJECTIVE_STEMS = {
  "amber", "bold", "calm", "dusty", "eager", "fuzzy", "giant", "hollow",
  "icy", "jolly", "keen", "lucky", "misty", "noble", "odd", "proud",
  "quiet", "rusty", "silver", "tiny",
}
local ADJECTIVE_SUFFIXES = {
  "", "ish", "-eyed", "-footed", "-hearted", "-headed", "-tailed",
  "-winged", "-nosed", "-backed",
}

local ANIMALS = {
  "badger", "bison", "crane", "dingo", "eel", "ferret", "gecko", "heron",
  "ibis", "jackal", "koala", "lemur", "marmot", "newt", "otter", "panda",
  "quokka", "raven", "stoat", "toad",
}
local PLACES = {
  "", " of the hills", " of the marsh", " from the north", " by the river",
  " in the woods", " at dawn", " at dusk", " on the coast",
  " under the bridge",
}

local function make_keys(noun_count)
  local adjectives = {}
  for _, stem in ipairs(ADJECTIVE_STEMS) do
    for _, suffix in ipairs(ADJECTIVE_SUFFIXES) do
      adjectives[#adjectives + 1] = stem .. suffix
    end
  end
  -- Places outer, so the first 20 nouns are the bare animal names.
  local nouns = {}
  for _, place in ipairs(PLACES) do
    for _, animal in ipairs(ANIMALS) do
      nouns[#nouns + 1] = animal .. place
    end
  end
  local keys = {}
  for n = 1, noun_count do
    local noun = nouns[n]
    for _, adjective in ipairs(adjectives) do
      for _, adverb in ipairs(ADVERBS) do
        keys[#keys + 1] = adverb .. " " .. adjective .. " " .. noun
      end
    end
  end
  return keys
end

local function main(noun_count)
  local keys = make_keys(noun_count)

  local map = {}
  -- Values are 0-based indices, as in the other versions.
  for i = 1, #keys do
    map[keys[i]] = i - 1
  end

  local sum = 0
  for i = 1, #keys do
    sum = sum + map[keys[i]]
  end

  for i = 1, #keys do
    map[keys[i]] = nil
  end

  print(sum)
  -- Lua tables have no entry count; count what is left.
  local left = 0
  for _ in pairs(map) do left = left + 1 end
  print(left)
end

main(tonumber(arg and arg[1]) or 200)
