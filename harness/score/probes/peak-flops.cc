// The CPU's arithmetic roofline, measured: every hardware thread runs n steps of
// eight independent chains of 16-wide fused multiply-adds (AVX-512 registers
// where -march=native has them; two AVX2 halves where not), which is what the
// FMA units can sustain. Flops per call: 2 * 8 * 16 * n * threads.
#include <stdint.h>

#include <thread>
#include <vector>

typedef float v16 __attribute__((vector_size(64)));

static float chains(float seed, uint32_t n) {
  v16 a0 = {}, a1, a2, a3, a4, a5, a6, a7;
  a0 += seed;
  a1 = a0 + 1.0f; a2 = a0 + 2.0f; a3 = a0 + 3.0f; a4 = a0 + 4.0f; a5 = a0 + 5.0f; a6 = a0 + 6.0f; a7 = a0 + 7.0f;
  v16 m = {}, b = {};
  m += 0.9999f;
  b += 0.0001f;
  for (uint32_t i = 0; i < n; i++) {
    a0 = a0 * m + b; a1 = a1 * m + b; a2 = a2 * m + b; a3 = a3 * m + b;
    a4 = a4 * m + b; a5 = a5 * m + b; a6 = a6 * m + b; a7 = a7 * m + b;
  }
  v16 s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
  float out = 0;
  for (int j = 0; j < 16; j++) out += s[j];
  return out;
}

extern "C" void kernel(const float* x, float* y, uint32_t n) {
  unsigned threads = std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  std::vector<std::thread> pool;
  std::vector<float> part(threads);
  for (unsigned t = 1; t < threads; t++) pool.emplace_back([&, t] { part[t] = chains(x[0] + float(t), n); });
  part[0] = chains(x[0], n);
  for (auto& th : pool) th.join();
  float s = 0;
  for (float p : part) s += p;
  y[0] = s;
}

extern "C" uint32_t assay_probe_threads() { return std::thread::hardware_concurrency(); }
