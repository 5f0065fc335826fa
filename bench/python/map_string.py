"""map_string: a map with string keys: insert, look up, remove.

After Wren's map_string: keys are three-word phrases "adverb adjective noun"
built from word lists (our own lists, generated from stems so that every key
is distinct: 4 adverbs x 200 adjectives x n nouns, 160_000 keys at the
default n = 200, about Wren's 4 x 205 x 206). The keys are built first; then
every key is inserted with its index as value, every key is looked up and
the values summed, and every key is removed. Prints the sum, which is
k(k-1)/2 for k keys only if all keys were distinct and found, and the number
of entries left (0). Measures string hashing and map operations on string
keys (and, for the building phase, string concatenation).
Size: n nouns, at most 200 (default 200 -> 12799920000 / 0;
       20 -> 127992000 / 0).
"""
import sys

ADVERBS = ["barely", "quite", "rather", "truly"]

ADJECTIVE_STEMS = [
    "amber", "bold", "calm", "dusty", "eager", "fuzzy", "giant", "hollow",
    "icy", "jolly", "keen", "lucky", "misty", "noble", "odd", "proud",
    "quiet", "rusty", "silver", "tiny",
]
ADJECTIVE_SUFFIXES = [
    "", "ish", "-eyed", "-footed", "-hearted", "-headed", "-tailed",
    "-winged", "-nosed", "-backed",
]

ANIMALS = [
    "badger", "bison", "crane", "dingo", "eel", "ferret", "gecko", "heron",
    "ibis", "jackal", "koala", "lemur", "marmot", "newt", "otter", "panda",
    "quokka", "raven", "stoat", "toad",
]
PLACES = [
    "", " of the hills", " of the marsh", " from the north", " by the river",
    " in the woods", " at dawn", " at dusk", " on the coast",
    " under the bridge",
]


def make_keys(noun_count):
    adjectives = []
    for stem in ADJECTIVE_STEMS:
        for suffix in ADJECTIVE_SUFFIXES:
            adjectives.append(stem + suffix)
    # Places outer, so the first 20 nouns are the bare animal names.
    nouns = []
    for place in PLACES:
        for animal in ANIMALS:
            nouns.append(animal + place)
    keys = []
    for noun in nouns[:noun_count]:
        for adjective in adjectives:
            for adverb in ADVERBS:
                keys.append(adverb + " " + adjective + " " + noun)
    return keys


def main():
    noun_count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    keys = make_keys(noun_count)

    table = {}
    i = 0
    for key in keys:
        table[key] = i
        i += 1

    total = 0
    for key in keys:
        total += table[key]

    for key in keys:
        del table[key]

    print(total)
    print(len(table))


main()
