// softmax, optimized: one workgroup per row. Its 32 invocations stride over the
// row together; the row max and the sum of exponentials are each combined with
// a single barrier (every invocation writes its partial to workgroup memory,
// then reads all 32), because on lavapipe a barrier is a coroutine switch.
// @dispatch rows, 1, 1
struct Params { rows: u32, cols: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

const WG: u32 = 32;
var<workgroup> part_max: array<f32, WG>;
var<workgroup> part_sum: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let cols = params.cols;
  let start = wid.x * cols;
  let t = lid.x;

  var m = -3.0e38;
  for (var j = t; j < cols; j += WG) {
    m = max(m, x[start + j]);
  }
  part_max[t] = m;
  workgroupBarrier();
  var rowMax = part_max[0];
  for (var i = 1u; i < WG; i++) {
    rowMax = max(rowMax, part_max[i]);
  }

  var s = 0.0;
  for (var j = t; j < cols; j += WG) {
    s += exp(x[start + j] - rowMax);
  }
  part_sum[t] = s;
  workgroupBarrier();
  var total = 0.0;
  for (var i = 0u; i < WG; i++) {
    total += part_sum[i];
  }
  let inv = 1.0 / total;

  for (var j = t; j < cols; j += WG) {
    out[start + j] = exp(x[start + j] - rowMax) * inv;
  }
}
