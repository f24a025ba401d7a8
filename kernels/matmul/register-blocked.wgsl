// matmul, optimized for CPU adapters: each invocation computes a 4 x 4 block of c
// in four vec4 registers, reading a and b straight from storage: each step of k
// loads four values of a and four of b for sixteen multiply-adds. No workgroup
// memory and no barriers: on lavapipe the CPU's caches already do what staging in
// workgroup memory does on a GPU, and every barrier costs a coroutine switch.
// @dispatch ceil(n / 64), ceil(n / 64), 1
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

// 16 x 16 invocations of 4 x 4 outputs: the 64 in the @dispatch header
override WG: u32 = 16;

fn load_a(r: u32, k: u32, n: u32) -> f32 {
  return select(0.0, a[min(r, n - 1u) * n + k], r < n);
}

fn load_b(k: u32, col: u32, n: u32) -> f32 {
  return select(0.0, b[k * n + min(col, n - 1u)], col < n);
}

@compute @workgroup_size(WG, WG)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let n = params.n;
  let r = id.y * 4u;
  let col = id.x * 4u;
  if (r >= n || col >= n) {
    return;
  }
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k = 0u; k < n; k++) {
    let bv = vec4<f32>(load_b(k, col, n), load_b(k, col + 1u, n), load_b(k, col + 2u, n), load_b(k, col + 3u, n));
    acc0 = fma(vec4<f32>(load_a(r, k, n)), bv, acc0);
    acc1 = fma(vec4<f32>(load_a(r + 1u, k, n)), bv, acc1);
    acc2 = fma(vec4<f32>(load_a(r + 2u, k, n)), bv, acc2);
    acc3 = fma(vec4<f32>(load_a(r + 3u, k, n)), bv, acc3);
  }
  store_row(r, col, acc0, n);
  store_row(r + 1u, col, acc1, n);
  store_row(r + 2u, col, acc2, n);
  store_row(r + 3u, col, acc3, n);
}

fn store_row(r: u32, col: u32, v: vec4<f32>, n: u32) {
  if (r >= n) {
    return;
  }
  for (var j = 0u; j < 4u; j++) {
    if (col + j < n) {
      c[r * n + col + j] = v[j];
    }
  }
}
