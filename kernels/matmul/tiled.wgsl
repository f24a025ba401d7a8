// matmul, optimized: each workgroup of 16 x 16 invocations computes a 64 x 64
// block of c, each invocation a 4 x 4 block of it, with the a and b panels it
// needs staged in workgroup memory 16 columns at a time, so every value loaded
// from storage is used 64 times and every value loaded from workgroup memory 4 times.
// @dispatch ceil(n / 64), ceil(n / 64), 1
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const WG: u32 = 16;      // invocations per side of the workgroup
const PER: u32 = 4;      // outputs per side of each invocation
const BLOCK: u32 = 64;   // WG * PER: the side of c's block, the divisor in @dispatch
const KT: u32 = 16;      // the depth of each staged panel

var<workgroup> tileA: array<array<f32, KT>, BLOCK>;     // [row][k]
var<workgroup> tileB: array<array<f32, BLOCK>, KT>;     // [k][col]

@compute @workgroup_size(WG, WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = params.n;
  let row0 = wid.y * BLOCK;
  let col0 = wid.x * BLOCK;
  let flat = lid.y * WG + lid.x;
  var acc: array<array<f32, PER>, PER>;
  for (var k0 = 0u; k0 < n; k0 += KT) {
    // 256 invocations load the 64 x 16 panel of a and the 16 x 64 panel of b, 4 values each
    for (var e = 0u; e < 4u; e++) {
      let idx = flat + e * WG * WG;
      let ar = idx / KT;
      let ak = idx % KT;
      let gr = row0 + ar;
      let gk = k0 + ak;
      tileA[ar][ak] = select(0.0, a[gr * n + gk], gr < n && gk < n);
      let bk = idx / BLOCK;
      let bc = idx % BLOCK;
      let gk2 = k0 + bk;
      let gc = col0 + bc;
      tileB[bk][bc] = select(0.0, b[gk2 * n + gc], gk2 < n && gc < n);
    }
    workgroupBarrier();
    for (var k = 0u; k < KT; k++) {
      var av: array<f32, PER>;
      var bv: array<f32, PER>;
      for (var i = 0u; i < PER; i++) {
        av[i] = tileA[lid.y * PER + i][k];
        bv[i] = tileB[k][lid.x * PER + i];
      }
      for (var i = 0u; i < PER; i++) {
        for (var j = 0u; j < PER; j++) {
          acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < PER; i++) {
    let r = row0 + lid.y * PER + i;
    for (var j = 0u; j < PER; j++) {
      let col = col0 + lid.x * PER + j;
      if (r < n && col < n) {
        c[r * n + col] = acc[i][j];
      }
    }
  }
}
