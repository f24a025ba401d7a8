// matmul as a packed GEMM, single-threaded, in the GotoBLAS/BLIS structure:
// c is computed in KC-deep slices; each slice of b is packed into NR-wide column
// panels and each block of a into MR-tall row panels, so that the micro-kernel
// reads both with unit stride from cache. The micro-kernel keeps an MR x NR tile
// of c in registers: with AVX-512, 8 rows x 3 vectors of 16 = 24 accumulators
// (of the 32 zmm registers), one broadcast of a and three fused multiply-adds
// per row and k step. Without AVX-512 the same structure runs a portable
// micro-kernel written with GCC/Clang vector extensions (6 rows x 2 vectors of
// 8 with AVX, 4 x 2 of 4 without), which the compiler maps to AVX2, SSE or NEON registers.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __AVX512F__
#include <immintrin.h>
#endif

namespace {

#ifdef __AVX512F__
constexpr int MR = 8;   // rows of the register tile
constexpr int NV = 3;   // vectors per row of the tile
constexpr int VW = 16;  // floats per vector
#elif defined(__AVX__)
constexpr int MR = 6;
constexpr int NV = 2;
constexpr int VW = 8;
#else
constexpr int MR = 4;
constexpr int NV = 2;
constexpr int VW = 4;
#endif
constexpr int NR = VW * NV;  // columns of the register tile
constexpr int KC = 256;      // depth of a slice: an MR x KC panel of a stays in L1
constexpr int MC = 96;       // rows of a packed block of a (MC x KC in L2)
constexpr int NC = 1536;     // columns of a packed slice of b (KC x NC in L2/L3)

// Packs rows [0, mc) x depth [0, kc) of a (leading dimension lda) into MR-row
// panels, k-major inside a panel; rows past mc are zero.
void pack_a(const float* a, uint32_t lda, int mc, int kc, float* out) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int rows = mc - i0 < MR ? mc - i0 : MR;
    for (int k = 0; k < kc; k++) {
      for (int i = 0; i < rows; i++) out[i] = a[size_t(i0 + i) * lda + k];
      for (int i = rows; i < MR; i++) out[i] = 0.0f;
      out += MR;
    }
  }
}

// Packs depth [0, kc) x columns [0, nc) of b (leading dimension ldb) into
// NR-column panels, k-major inside a panel; columns past nc are zero.
void pack_b(const float* b, uint32_t ldb, int kc, int nc, float* out) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    int cols = nc - j0 < NR ? nc - j0 : NR;
    for (int k = 0; k < kc; k++) {
      const float* src = b + size_t(k) * ldb + j0;
      if (cols == NR) {
        memcpy(out, src, sizeof(float) * NR);
      } else {
        memcpy(out, src, sizeof(float) * cols);
        memset(out + cols, 0, sizeof(float) * (NR - cols));
      }
      out += NR;
    }
  }
}

#ifdef __AVX512F__
// tile = A_panel (MR x kc) * B_panel (kc x NR), written to t (row stride NR).
inline void micro_kernel(int kc, const float* __restrict ap, const float* __restrict bp, float* __restrict t) {
  __m512 c[MR][NV];
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) c[i][v] = _mm512_setzero_ps();
  for (int k = 0; k < kc; k++) {
    __m512 b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) b[v] = _mm512_loadu_ps(bp + VW * v);
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
      __m512 a = _mm512_set1_ps(ap[i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) c[i][v] = _mm512_fmadd_ps(a, b[v], c[i][v]);
    }
    ap += MR;
    bp += NR;
  }
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) _mm512_storeu_ps(t + i * NR + VW * v, c[i][v]);
}
#else
typedef float vf __attribute__((vector_size(VW * sizeof(float))));
inline void micro_kernel(int kc, const float* __restrict ap, const float* __restrict bp, float* __restrict t) {
  vf c[MR][NV];
  for (int i = 0; i < MR; i++)
    for (int v = 0; v < NV; v++) c[i][v] = vf{};
  for (int k = 0; k < kc; k++) {
    vf b[NV];
    for (int v = 0; v < NV; v++) memcpy(&b[v], bp + VW * v, sizeof(vf));
    for (int i = 0; i < MR; i++) {
      vf a = vf{} + ap[i];
      for (int v = 0; v < NV; v++) c[i][v] += a * b[v];
    }
    ap += MR;
    bp += NR;
  }
  for (int i = 0; i < MR; i++)
    for (int v = 0; v < NV; v++) memcpy(t + i * NR + VW * v, &c[i][v], sizeof(vf));
}
#endif

// c[0..rows, 0..cols] (leading dimension ldc) = or += the tile t (row stride NR).
inline void write_tile(const float* t, float* c, uint32_t ldc, int rows, int cols, bool accumulate) {
  for (int i = 0; i < rows; i++) {
    float* row = c + size_t(i) * ldc;
    const float* src = t + i * NR;
    if (accumulate)
      for (int j = 0; j < cols; j++) row[j] += src[j];
    else
      for (int j = 0; j < cols; j++) row[j] = src[j];
  }
}

// Buffers for the packed panels, grown as needed and kept between calls so that
// a timed call does not include allocating (and faulting in) fresh pages.
struct Buffers {
  float* a = nullptr;
  float* b = nullptr;
  size_t a_len = 0, b_len = 0;
};

float* grow(float*& p, size_t& len, size_t want) {
  if (want > len) {
    free(p);
    p = static_cast<float*>(aligned_alloc(64, ((want * sizeof(float) + 63) / 64) * 64));
    len = want;
  }
  return p;
}

}  // namespace

extern "C" void kernel(const float* a, const float* b, float* c, uint32_t n) {
  static Buffers buf;
  const int N = int(n);
  const int kc_max = N < KC ? N : KC;
  const int nc_max = N < NC ? N : NC;
  float* pa = grow(buf.a, buf.a_len, size_t((MC + MR) * kc_max));
  float* pb = grow(buf.b, buf.b_len, size_t((nc_max + NR) * kc_max));
  alignas(64) float tile[MR * NR];
  for (int jc = 0; jc < N; jc += NC) {
    int nc = N - jc < NC ? N - jc : NC;
    for (int pc = 0; pc < N; pc += KC) {
      int kc = N - pc < KC ? N - pc : KC;
      pack_b(b + size_t(pc) * n + jc, n, kc, nc, pb);
      for (int ic = 0; ic < N; ic += MC) {
        int mc = N - ic < MC ? N - ic : MC;
        pack_a(a + size_t(ic) * n + pc, n, mc, kc, pa);
        for (int jr = 0; jr < nc; jr += NR) {
          int cols = nc - jr < NR ? nc - jr : NR;
          for (int ir = 0; ir < mc; ir += MR) {
            int rows = mc - ir < MR ? mc - ir : MR;
            micro_kernel(kc, pa + size_t(ir) * kc, pb + size_t(jr) * kc, tile);
            write_tile(tile, c + size_t(ic + ir) * n + jc + jr, n, rows, cols, pc > 0);
          }
        }
      }
    }
  }
}
