-- binary_trees: the Computer Language Benchmarks Game binary-trees.
-- Allocates many perfect binary trees bottom-up, walks each to count its
-- nodes, and drops it; one long-lived tree stays alive throughout, so the
-- collector has an old generation to cope with. Measures allocation, GC and
-- recursion.
-- Size: max depth n (default 14; min depth 4). The expected output lists, per
-- depth d = 4, 6, ..., n, 2^(n-d+4) trees of 2^(d+1)-1 nodes each.

-- A node is a two-slot table {left, right}; a leaf is an empty table. (The
-- other versions use a class instance / a tuple: the idiomatic small record.)
local function bottom_up_tree(depth)
  if depth > 0 then
    depth = depth - 1
    return { bottom_up_tree(depth), bottom_up_tree(depth) }
  end
  return {}
end

-- Number of nodes in the tree.
local function item_check(tree)
  if tree[1] then
    return 1 + item_check(tree[1]) + item_check(tree[2])
  end
  return 1
end

local function main(n)
  local min_depth = 4
  local max_depth = math.max(min_depth + 2, n)

  local stretch_depth = max_depth + 1
  print(string.format("stretch tree of depth %d\t check: %d",
    stretch_depth, item_check(bottom_up_tree(stretch_depth))))

  local long_lived_tree = bottom_up_tree(max_depth)

  for depth = min_depth, max_depth, 2 do
    local iterations = 1 << (max_depth - depth + min_depth)
    local check = 0
    for _ = 1, iterations do
      check = check + item_check(bottom_up_tree(depth))
    end
    print(string.format("%d\t trees of depth %d\t check: %d", iterations, depth, check))
  end

  print(string.format("long lived tree of depth %d\t check: %d",
    max_depth, item_check(long_lived_tree)))
end

main(tonumber(arg and arg[1]) or 14)
