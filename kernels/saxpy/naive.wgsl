// saxpy, straightforward: one invocation per element, out[i] = a * x[i] + y[i].
// @dispatch ceil(n / 256), 1, 1
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

// must match the divisor in the @dispatch header
override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i < params.n) {
    out[i] = a[0] * x[i] + y[i];
  }
}
