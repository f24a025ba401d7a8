// matmul, optimized for GPUs: each workgroup of 16 x 16 invocations computes a
// 64 x 64 block of c, each invocation a 4 x 4 block of it held in four vec4
// registers. The 64-row panel of a and the 64-column panel of b are staged in
// workgroup memory KT = 32 steps of k at a time, as vec4s, so each step of k
// costs an invocation two vec4 loads for sixteen multiply-adds. (On lavapipe,
// where workgroup memory is ordinary memory and a barrier switches between
// coroutines, register-blocked.wgsl is faster; see docs/results.md.)
// @dispatch ceil(n / 64), ceil(n / 64), 1
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const WG: u32 = 16;      // invocations per side of the workgroup
const BLOCK: u32 = 64;   // the side of c's block (WG * 4), the divisor in @dispatch
const KT: u32 = 32;      // the depth of each staged panel

var<workgroup> panelA: array<array<vec4<f32>, WG>, KT>;   // [k][row / 4]: rows 4r..4r+3 of the block
var<workgroup> panelB: array<array<vec4<f32>, WG>, KT>;   // [k][col / 4]: columns 4c..4c+3 of the block

fn load_a(r: u32, k: u32, n: u32) -> f32 {
  if (r < n && k < n) {
    return a[r * n + k];
  }
  return 0.0;
}

fn load_b(k: u32, col: u32, n: u32) -> f32 {
  if (k < n && col < n) {
    return b[k * n + col];
  }
  return 0.0;
}

@compute @workgroup_size(WG, WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = params.n;
  let row0 = wid.y * BLOCK;
  let col0 = wid.x * BLOCK;
  let flat = lid.y * WG + lid.x;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < n; k0 += KT) {
    for (var e = 0u; e < KT / 16u; e++) {
      let v = flat + e * WG * WG;
      let ak = v % KT;
      let ar = row0 + (v / KT) * 4u;
      panelA[ak][v / KT] = vec4<f32>(load_a(ar, k0 + ak, n), load_a(ar + 1u, k0 + ak, n), load_a(ar + 2u, k0 + ak, n), load_a(ar + 3u, k0 + ak, n));
      let bk = k0 + v / WG;
      let bc = col0 + (v % WG) * 4u;
      panelB[v / WG][v % WG] = vec4<f32>(load_b(bk, bc, n), load_b(bk, bc + 1u, n), load_b(bk, bc + 2u, n), load_b(bk, bc + 3u, n));
    }
    workgroupBarrier();
    for (var k = 0u; k < KT; k++) {
      let av = panelA[k][lid.y];
      let bv = panelB[k][lid.x];
      acc0 = fma(vec4<f32>(av.x), bv, acc0);
      acc1 = fma(vec4<f32>(av.y), bv, acc1);
      acc2 = fma(vec4<f32>(av.z), bv, acc2);
      acc3 = fma(vec4<f32>(av.w), bv, acc3);
    }
    workgroupBarrier();
  }
  let r = row0 + lid.y * 4u;
  let col = col0 + lid.x * 4u;
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
