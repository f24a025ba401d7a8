// sort as an LSD radix sort on the float bits: each float is mapped to a uint32
// whose unsigned order is the float order (flip the sign bit of a positive
// number, every bit of a negative one; -0 lands just below +0), then sorted by
// three 11-bit digits, least significant first, each pass a stable counting
// scatter. The three histograms are counted in one read of the input, and a pass
// whose digit is the same for every key is skipped. O(n) work, no comparisons.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

namespace {

constexpr int BITS = 11;
constexpr int BUCKETS = 1 << BITS;
constexpr int PASSES = 3;  // 3 x 11 bits cover 32

inline uint32_t to_key(uint32_t u) { return u ^ ((u >> 31) ? 0xFFFFFFFFu : 0x80000000u); }
inline uint32_t from_key(uint32_t k) { return k ^ ((k >> 31) ? 0x80000000u : 0xFFFFFFFFu); }

// scratch space, grown as needed and kept between calls (a timed call should not
// include faulting in fresh pages)
uint32_t* scratch = nullptr;
size_t scratch_len = 0;

}  // namespace

extern "C" void kernel(const float* x, float* out, uint32_t n) {
  if (n > scratch_len) {
    free(scratch);
    scratch = static_cast<uint32_t*>(malloc(size_t(n) * sizeof(uint32_t)));
    scratch_len = n;
  }
  uint32_t* a = reinterpret_cast<uint32_t*>(out);  // keys live in out, then ping-pong with scratch
  uint32_t* b = scratch;
  static uint32_t count[PASSES][BUCKETS];
  memset(count, 0, sizeof count);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t u;
    memcpy(&u, x + i, sizeof u);
    uint32_t k = to_key(u);
    a[i] = k;
    count[0][k & (BUCKETS - 1)]++;
    count[1][(k >> BITS) & (BUCKETS - 1)]++;
    count[2][k >> (2 * BITS)]++;
  }
  for (int p = 0; p < PASSES; p++) {
    const int shift = p * BITS;
    uint32_t* c = count[p];
    // a pass where every key has the same digit changes nothing
    bool trivial = false;
    for (int d = 0; d < BUCKETS; d++) {
      if (c[d] == n) trivial = true;
      if (c[d]) break;
    }
    if (trivial) continue;
    // exclusive prefix sums: the first slot of each digit
    uint32_t sum = 0;
    for (int d = 0; d < BUCKETS; d++) {
      uint32_t t = c[d];
      c[d] = sum;
      sum += t;
    }
    for (uint32_t i = 0; i < n; i++) {
      uint32_t k = a[i];
      b[c[(k >> shift) & (BUCKETS - 1)]++] = k;
    }
    uint32_t* t = a;
    a = b;
    b = t;
  }
  // back from keys to floats, into out
  uint32_t* o = reinterpret_cast<uint32_t*>(out);
  for (uint32_t i = 0; i < n; i++) o[i] = from_key(a[i]);
}
