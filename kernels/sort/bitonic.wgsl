// sort, bitonic: the input is copied into a scratch buffer padded with +inf up
// to the next power of two m (n need not be one), then sorted by the bitonic
// network's log2(m) * (log2(m) + 1) / 2 compare-exchange steps, one dispatch
// each (the `step` uniform says which), then the first n values are copied out.
// @scratch keys: f32[2 * n]
// @pass pad: ceil(2 * n / 256), 1, 1
// @pass exchange: ceil(n / 256), 1, 1 repeat ceil(log2(n)) * (ceil(log2(n)) + 1) / 2
// @dispatch ceil(n / 256), 1, 1
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@group(0) @binding(3) var<storage, read_write> keys: array<f32>;
@group(0) @binding(4) var<uniform> step: u32;

const WG: u32 = 256;

/** +inf, built at run time (a constant expression may not be infinite). */
fn inf() -> f32 {
  let bits = 0x7f800000u + step * 0u;
  return bitcast<f32>(bits);
}

/** The padded length: the least power of two >= n. */
fn padded(n: u32) -> u32 {
  if (n <= 1u) {
    return 1u;
  }
  return 1u << (32u - countLeadingZeros(n - 1u));
}

@compute @workgroup_size(WG)
fn pad(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  let n = params.n;
  if (i < padded(n)) {
    keys[i] = select(inf(), x[min(i, n - 1u)], i < n);
  }
}

@compute @workgroup_size(WG)
fn exchange(@builtin(global_invocation_id) id: vec3u) {
  let m = padded(params.n);
  let t = id.x;
  if (t >= m / 2u) {
    return;
  }
  // step s is substep q of stage p: merge blocks of k = 2^p with partner distance j = 2^(p-1-q)
  var s = step;
  var p = 1u;
  while (s >= p) {
    s -= p;
    p++;
  }
  let k = 1u << p;
  let j = 1u << (p - 1u - s);
  let i = (t / j) * 2u * j + (t % j);
  let l = i + j;
  let ascending = (i & k) == 0u;
  let u = keys[i];
  let v = keys[l];
  if ((u > v) == ascending) {
    keys[i] = v;
    keys[l] = u;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i < params.n) {
    out[i] = keys[i];
  }
}
