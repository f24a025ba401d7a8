// softmax, straightforward: one invocation per row, three passes over it
// (max, sum of exponentials, normalise).
// @dispatch ceil(rows / 64), 1, 1
struct Params { rows: u32, cols: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

// must match the divisor in the @dispatch header
override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let r = id.x;
  if (r >= params.rows) {
    return;
  }
  let cols = params.cols;
  let start = r * cols;
  var m = x[start];
  for (var j = 1u; j < cols; j++) {
    m = max(m, x[start + j]);
  }
  var sum = 0.0;
  for (var j = 0u; j < cols; j++) {
    sum += exp(x[start + j] - m);
  }
  let inv = 1.0 / sum;
  for (var j = 0u; j < cols; j++) {
    out[start + j] = exp(x[start + j] - m) * inv;
  }
}
