// reduce-sum, straightforward: one invocation adds every element in order.
// @dispatch 1, 1, 1
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(1)
fn main() {
  var sum = 0.0;
  for (var i = 0u; i < params.n; i++) {
    sum += x[i];
  }
  out[0] = sum;
}
