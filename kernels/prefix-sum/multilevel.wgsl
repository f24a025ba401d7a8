// prefix-sum, optimized: a three-pass multi-level scan. (1) Each workgroup of 64
// invocations scans its block of 1024 elements: each invocation scans 16
// consecutive elements, invocation 0 scans the 64 invocation totals in workgroup
// memory, and each adds what came before it; the block's total goes to
// block_totals. (2) One workgroup scans the block totals the same way. (3) Each
// block adds the total of the blocks before it. Two barriers per workgroup,
// because on lavapipe each one is a coroutine switch.
// @scratch block_totals: f32[ceil(n / 1024)]
// @pass scan_blocks: ceil(n / 1024), 1, 1
// @pass scan_totals: 1, 1, 1
// @dispatch ceil(n / 1024), 1, 1
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@group(0) @binding(3) var<storage, read_write> block_totals: array<f32>;

const WG: u32 = 64;
const PER: u32 = 16;     // WG * PER = 1024, the block in the header

var<workgroup> before: array<f32, WG>;

/** The sum of the values of the invocations before t (an exclusive scan); all must call it. */
fn exclusive_scan(t: u32, v: f32) -> f32 {
  before[t] = v;
  workgroupBarrier();
  if (t == 0u) {
    var run = 0.0;
    for (var i = 0u; i < WG; i++) {
      let here = before[i];
      before[i] = run;
      run += here;
    }
  }
  workgroupBarrier();
  return before[t];
}

@compute @workgroup_size(WG)
fn scan_blocks(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = params.n;
  let base = wid.x * WG * PER + lid.x * PER;
  var vals: array<f32, PER>;
  var run = 0.0;
  for (var k = 0u; k < PER; k++) {
    let i = base + k;
    run += select(0.0, x[min(i, n - 1u)], i < n);
    vals[k] = run;
  }
  let offset = exclusive_scan(lid.x, run);
  for (var k = 0u; k < PER; k++) {
    let i = base + k;
    if (i < n) {
      out[i] = offset + vals[k];
    }
  }
  if (lid.x == WG - 1u) {
    block_totals[wid.x] = offset + run;
  }
}

@compute @workgroup_size(WG)
fn scan_totals(@builtin(local_invocation_id) lid: vec3u) {
  // each invocation scans a consecutive chunk of the totals, then the chunks' sums are scanned
  let count = (params.n + WG * PER - 1u) / (WG * PER);
  let chunk = (count + WG - 1u) / WG;
  let lo = min(lid.x * chunk, count);
  let hi = min(lo + chunk, count);
  var run = 0.0;
  for (var i = lo; i < hi; i++) {
    run += block_totals[i];
  }
  var acc = exclusive_scan(lid.x, run);
  for (var i = lo; i < hi; i++) {
    acc += block_totals[i];
    block_totals[i] = acc;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  if (wid.x == 0u) {
    return;
  }
  let add = block_totals[wid.x - 1u];
  let base = wid.x * WG * PER;
  for (var k = 0u; k < PER; k++) {
    let i = base + k * WG + lid.x;
    if (i < params.n) {
      out[i] += add;
    }
  }
}
