// softmax with a vectorized exp: per row, the max, then exp(x - max) stored and
// summed, then one multiply by 1/sum. The exp is computed 16 lanes at a time
// with GCC/Clang vector extensions (AVX-512 registers under -march=native):
// x = k·ln2 + r with |r| <= ln2/2 (Cody-Waite split of ln2), exp(r) by a
// degree-6 Taylor polynomial (relative error about 1.2e-7), and 2^k built in the
// exponent bits. Inputs below -87.3 give 0, which is what fp32 underflow gives.
#include <stdint.h>
#include <string.h>

namespace {

constexpr int W = 16;
typedef float vf __attribute__((vector_size(W * sizeof(float))));
typedef int32_t vi __attribute__((vector_size(W * sizeof(int32_t))));

inline vf load(const float* p) {
  vf v;
  memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, vf v) { memcpy(p, &v, sizeof v); }
inline vf splat(float s) { return vf{} + s; }

// exp of each lane of x, for x <= 0 (all softmax needs after the max is subtracted)
inline vf vexp(vf x) {
  const vf lo = splat(-87.3f);
  vi under = x < lo;                      // lanes that underflow to 0
  x = x < lo ? lo : x;
  vf t = x * 1.44269504088896341f;        // x / ln2
  vf k = (t + 12582912.0f) - 12582912.0f; // round to nearest (1.5 * 2^23 trick)
  vf r = x - k * 0.693359375f;            // ln2 split in two: the high part is exact in fp32
  r = r - k * -2.12194440e-4f;
  vf p = splat(1.0f / 720);
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  vi e = (__builtin_convertvector(k, vi) + 127) << 23;  // 2^k in the exponent field
  vf scale;
  memcpy(&scale, &e, sizeof scale);
  vf y = p * scale;
  vi bits;
  memcpy(&bits, &y, sizeof bits);
  bits = bits & ~under;
  memcpy(&y, &bits, sizeof y);
  return y;
}

float hmax(vf v) {
  float l[W];
  memcpy(l, &v, sizeof l);
  float m = l[0];
  for (int i = 1; i < W; i++) m = l[i] > m ? l[i] : m;
  return m;
}

float hsum(vf v) {
  float l[W];
  memcpy(l, &v, sizeof l);
  for (int w = W / 2; w > 0; w /= 2)
    for (int i = 0; i < w; i++) l[i] += l[i + w];
  return l[0];
}

void row_softmax(const float* x, float* out, uint32_t cols) {
  uint32_t full = cols - cols % W;
  // the row max
  vf vm = splat(-__builtin_inff());
  for (uint32_t j = 0; j < full; j += W) {
    vf v = load(x + j);
    vm = v > vm ? v : vm;
  }
  float m = hmax(vm);
  for (uint32_t j = full; j < cols; j++) m = x[j] > m ? x[j] : m;
  // exp(x - max), stored, and their sum
  vf vs = {};
  for (uint32_t j = 0; j < full; j += W) {
    vf e = vexp(load(x + j) - m);
    store(out + j, e);
    vs += e;
  }
  float s = hsum(vs);
  if (full < cols) {
    // the tail through the same vector exp, on a padded copy
    float tail[W];
    for (int i = 0; i < W; i++) tail[i] = full + i < cols ? x[full + i] - m : 0.0f;
    vf e = vexp(load(tail));
    store(tail, e);
    for (uint32_t j = full; j < cols; j++) {
      out[j] = tail[j - full];
      s += tail[j - full];
    }
  }
  // normalise
  const float inv = 1.0f / s;
  for (uint32_t j = 0; j < cols; j++) out[j] *= inv;
}

}  // namespace

extern "C" void kernel(const float* x, float* out, uint32_t rows, uint32_t cols) {
  for (uint32_t r = 0; r < rows; r++) row_softmax(x + size_t(r) * cols, out + size_t(r) * cols, cols);
}
