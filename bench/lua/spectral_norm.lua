-- spectral_norm: the Computer Language Benchmarks Game spectral-norm.
-- Approximates the spectral norm (largest singular value) of the infinite
-- matrix A(i,j) = 1 / ((i+j)(i+j+1)/2 + i + 1), truncated to n x n, by 10
-- rounds of the power method on A^T A. Measures float loops, small function
-- calls and list indexing.
-- Size: n (default 500 -> 1.274224116; 100 -> 1.274219991).

local sqrt = math.sqrt

-- Indices are 0-based in the formula; the Lua arrays are 1-based, so callers
-- pass i - 1 and j - 1.
local function a(i, j)
  local ij = i + j
  return 1.0 / (ij * (ij + 1) // 2 + i + 1)
end

-- out = A * v
local function mul_av(n, v, out)
  for i = 1, n do
    local s = 0.0
    for j = 1, n do
      s = s + a(i - 1, j - 1) * v[j]
    end
    out[i] = s
  end
end

-- out = A^T * v (A transposed: swap the indices)
local function mul_atv(n, v, out)
  for i = 1, n do
    local s = 0.0
    for j = 1, n do
      s = s + a(j - 1, i - 1) * v[j]
    end
    out[i] = s
  end
end

-- out = A^T * A * v, using tmp as scratch
local function mul_atav(n, v, out, tmp)
  mul_av(n, v, tmp)
  mul_atv(n, tmp, out)
end

local function main(n)
  local u, v, tmp = {}, {}, {}
  for i = 1, n do
    u[i] = 1.0
    v[i] = 0.0
    tmp[i] = 0.0
  end
  for _ = 1, 10 do
    mul_atav(n, u, v, tmp)
    mul_atav(n, v, u, tmp)
  end
  local vbv, vv = 0.0, 0.0
  for i = 1, n do
    vbv = vbv + u[i] * v[i]
    vv = vv + v[i] * v[i]
  end
  print(string.format("%.9f", sqrt(vbv / vv)))
end

main(tonumber(arg and arg[1]) or 500)
