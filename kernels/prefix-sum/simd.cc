// prefix-sum (inclusive scan), vectorized and work-efficient: O(n) additions in
// all. Each 16-float register is scanned in place in four shift-and-add steps
// (log2 16), then the running total of everything before it is added; the
// running total then grows by the register's own last element. The only chain
// of dependent operations from one register to the next is that one addition,
// so the loop runs at the rate of loads and shuffles, not of add latency as a
// one-element-at-a-time scan does. Without AVX-512 it is that plain scan.
#include <stdint.h>
#ifdef __AVX512F__
#include <immintrin.h>
#endif

extern "C" void kernel(const float* x, float* out, uint32_t n) {
  uint32_t i = 0;
  float carry = 0.0f;
#ifdef __AVX512F__
  const __m512 zero = _mm512_setzero_ps();
  const __m512i last = _mm512_set1_epi32(15);
  __m512 total = zero;  // the running total, in every lane
  for (; i + 16 <= n; i += 16) {
    __m512 v = _mm512_loadu_ps(x + i);
    // lane j += lane j - s, for s = 1, 2, 4, 8 (lanes below s add zero)
    v = _mm512_add_ps(v, _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(v), _mm512_castps_si512(zero), 15)));
    v = _mm512_add_ps(v, _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(v), _mm512_castps_si512(zero), 14)));
    v = _mm512_add_ps(v, _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(v), _mm512_castps_si512(zero), 12)));
    v = _mm512_add_ps(v, _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(v), _mm512_castps_si512(zero), 8)));
    _mm512_storeu_ps(out + i, _mm512_add_ps(v, total));
    total = _mm512_add_ps(total, _mm512_permutexvar_ps(last, v));
  }
  carry = _mm512_cvtss_f32(total);
#endif
  for (; i < n; i++) {
    carry += x[i];
    out[i] = carry;
  }
}
