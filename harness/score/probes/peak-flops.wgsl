// The GPU's arithmetic roofline, measured: every invocation runs ITER steps of
// eight independent chains of vec4 fused multiply-adds. Flops per call:
// 2 * 4 * 8 * ITER * n.
// @dispatch ceil(n / 256), 1, 1
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

const ITER: u32 = 1024u;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= params.n) {
    return;
  }
  var a0 = vec4<f32>(x[i]);
  var a1 = a0 + 1.0;
  var a2 = a0 + 2.0;
  var a3 = a0 + 3.0;
  var a4 = a0 + 4.0;
  var a5 = a0 + 5.0;
  var a6 = a0 + 6.0;
  var a7 = a0 + 7.0;
  let m = vec4<f32>(0.9999);
  let b = vec4<f32>(0.0001);
  for (var k = 0u; k < ITER; k++) {
    a0 = fma(a0, m, b);
    a1 = fma(a1, m, b);
    a2 = fma(a2, m, b);
    a3 = fma(a3, m, b);
    a4 = fma(a4, m, b);
    a5 = fma(a5, m, b);
    a6 = fma(a6, m, b);
    a7 = fma(a7, m, b);
  }
  y[i] = dot(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7, vec4<f32>(1.0));
}
