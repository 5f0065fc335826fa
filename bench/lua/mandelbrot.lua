-- mandelbrot: the Computer Language Benchmarks Game mandelbrot.
-- Plots the Mandelbrot set on [-1.5, 0.5] x [-1, 1] as an n x n bitmap: a
-- point is in the set when |z| stays <= 2 for 50 iterations. Writes a binary
-- PBM ("P4" header, then rows of bits packed 8 to a byte, MSB first, each row
-- padded to a whole byte) to stdout.
-- Measures float loops, bit packing and byte output.
-- Size: n (default 1000 -> md5 9beadc69396d01081a98cf5dc057ce89;
--        200 -> md5 cc65e64bd553ed18896de1dfe7fae3e5).

local function main(n)
  local w, h = n, n
  local iterations = 50
  local limit2 = 4.0
  -- Bytes are collected per row and written with one io.write per row:
  -- string.char of each byte keeps the output binary-exact.
  local out = { "P4\n" .. w .. " " .. h .. "\n" }
  local char = string.char
  for y = 0, h - 1 do
    local row = {}
    local ci = 2.0 * y / h - 1.0
    local byte_acc, bit_num = 0, 0
    for x = 0, w - 1 do
      local cr = 2.0 * x / w - 1.5
      local zr, zi, tr, ti = 0.0, 0.0, 0.0, 0.0
      local i = 0
      while i < iterations and tr + ti <= limit2 do
        zi = 2.0 * zr * zi + ci
        zr = tr - ti + cr
        tr = zr * zr
        ti = zi * zi
        i = i + 1
      end
      byte_acc = byte_acc << 1
      if tr + ti <= limit2 then byte_acc = byte_acc | 1 end
      bit_num = bit_num + 1
      if bit_num == 8 then
        row[#row + 1] = char(byte_acc)
        byte_acc, bit_num = 0, 0
      elseif x == w - 1 then
        -- Last, partial byte of the row: shift the bits to the top.
        byte_acc = byte_acc << (8 - w % 8)
        row[#row + 1] = char(byte_acc)
        byte_acc, bit_num = 0, 0
      end
    end
    out[#out + 1] = table.concat(row)
  end
  io.write(table.concat(out))
end

main(tonumber(arg and arg[1]) or 1000)
