// reduce-sum with 64 independent partial sums: four 16-float vectors (GCC/Clang
// vector extensions, which become AVX-512 registers with -march=native on a CPU
// that has them, and pairs or quads of narrower registers elsewhere). Four
// independent vector accumulators hide the add latency; the partial sums also
// make the result more accurate than one running sum, since each adds up only
// n/64 terms.
#include <stdint.h>
#include <string.h>

typedef float v16 __attribute__((vector_size(64)));

static inline v16 load(const float* p) {
  v16 v;
  memcpy(&v, p, sizeof v);  // an unaligned vector load
  return v;
}

extern "C" void kernel(const float* x, float* out, uint32_t n) {
  v16 s0 = {}, s1 = {}, s2 = {}, s3 = {};
  uint32_t i = 0;
  for (; i + 64 <= n; i += 64) {
    s0 += load(x + i);
    s1 += load(x + i + 16);
    s2 += load(x + i + 32);
    s3 += load(x + i + 48);
  }
  v16 s = (s0 + s1) + (s2 + s3);
  float lanes[16];
  memcpy(lanes, &s, sizeof lanes);
  for (int j = 0; i < n; i++, j = (j + 1) & 15) lanes[j] += x[i];
  for (int w = 8; w > 0; w /= 2)
    for (int j = 0; j < w; j++) lanes[j] += lanes[j + w];
  out[0] = lanes[0];
}
