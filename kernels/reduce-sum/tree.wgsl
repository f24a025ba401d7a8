// reduce-sum, optimized, two passes: each workgroup of 64 invocations sums a
// block of 4096 elements, 64 per invocation in strides of 64 (neighbours read
// neighbours), then combines the 64 partial sums as a shallow tree in workgroup
// memory (64 -> 8 -> 1, two barriers); then one workgroup reduces the blocks'
// sums the same way. Few barriers, because on lavapipe each one is a coroutine switch.
// @scratch partials: f32[ceil(n / 4096)]
// @pass block_sums: ceil(n / 4096), 1, 1
// @dispatch 1, 1, 1
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@group(0) @binding(3) var<storage, read_write> partials: array<f32>;

const WG: u32 = 64;
const PER: u32 = 64;     // elements per invocation: WG * PER = 4096, the block in the header

var<workgroup> sums: array<f32, WG>;

/** Sums every invocation's value across the workgroup (64 -> 8 -> 1); all must call it. */
fn workgroup_sum(t: u32, v: f32) -> f32 {
  sums[t] = v;
  workgroupBarrier();
  if (t < 8u) {
    var s = 0.0;
    for (var i = 0u; i < 8u; i++) {
      s += sums[t * 8u + i];
    }
    sums[t * 8u] = s;
  }
  workgroupBarrier();
  var total = 0.0;
  for (var i = 0u; i < 8u; i++) {
    total += sums[i * 8u];
  }
  return total;
}

@compute @workgroup_size(WG)
fn block_sums(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = params.n;
  let base = wid.x * WG * PER + lid.x;
  var s = 0.0;
  for (var k = 0u; k < PER; k++) {
    let i = base + k * WG;
    s += select(0.0, x[min(i, n - 1u)], i < n);
  }
  let total = workgroup_sum(lid.x, s);
  if (lid.x == 0u) {
    partials[wid.x] = total;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  let blocks = (params.n + WG * PER - 1u) / (WG * PER);
  var s = 0.0;
  for (var i = lid.x; i < blocks; i += WG) {
    s += partials[i];
  }
  let total = workgroup_sum(lid.x, s);
  if (lid.x == 0u) {
    out[0] = total;
  }
}
