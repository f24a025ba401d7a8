// matmul, straightforward: one invocation per element of c, a dot product of a
// row of a and a column of b read straight from storage.
// @dispatch ceil(n / 16), ceil(n / 16), 1
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

// must match the divisors in the @dispatch header
override TILE: u32 = 16;

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let n = params.n;
  let row = id.y;
  let col = id.x;
  if (row >= n || col >= n) {
    return;
  }
  var sum = 0.0;
  for (var k = 0u; k < n; k++) {
    sum += a[row * n + k] * b[k * n + col];
  }
  c[row * n + col] = sum;
}
