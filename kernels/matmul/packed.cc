// @settings threads=1,2
// matmul as a packed GEMM (cache-blocked panels of a and b, an MR x NR register
// tile updated with FMAs), run on `threads` threads. All of b is
// packed once per call into NR-column panels, each thread packing its share of
// the panels; after one barrier every thread computes its own band of rows of c
// against the shared packed b, packing its own blocks of a. The thread count
// arrives through assay_set_threads, which Assay calls before the kernel runs;
// the workers are started once and then wait on a condition variable between
// calls, so a call costs one wake-up, not a thread start. Like MLAS, it uses
// fewer threads than asked where the product is too small to gain from them.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
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

constexpr int MAX_THREADS = 64;
constexpr double MIN_FLOPS_PER_THREAD = 16e6;
/** Spins of a thread waiting at the barrier before it yields its core. */
constexpr int BARRIER_SPINS = 4000;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// The worker pool. It is allocated once and never freed: its threads are
// detached and still waiting when the process exits, and destroying a mutex or
// condition variable under waiting threads is undefined.
struct Pool {
  std::mutex m;
  std::condition_variable wake, done;
  uint64_t generation = 0;
  int started = 0;    // worker threads running (indices 1..started)
  int active = 0;     // workers taking part in the current call
  int pending = 0;    // of those, how many have not finished
  // the current call
  const float *a = nullptr, *b = nullptr;
  float* c = nullptr;
  uint32_t n = 0;
  int threads = 1;
  // b, packed: for each KC slice, every NR-column panel (kc x NR, k-major)
  float* packed_b = nullptr;
  size_t packed_b_len = 0;
  // the barrier between packing b and using it
  std::atomic<int> arrived{0};
  std::atomic<uint64_t> barrier_generation{0};
  Buffers buffers[MAX_THREADS];  // each thread's blocks of a
};

Pool& pool() {
  static Pool* p = new Pool;
  return *p;
}

// Every thread of the call waits here until all have arrived: a short spin, then
// yielding the core (the machine may have fewer free cores than threads).
void barrier(Pool& p) {
  uint64_t gen = p.barrier_generation.load(std::memory_order_acquire);
  if (p.arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == p.threads) {
    p.arrived.store(0, std::memory_order_relaxed);
    p.barrier_generation.fetch_add(1, std::memory_order_release);
    return;
  }
  for (int spins = 0; p.barrier_generation.load(std::memory_order_acquire) == gen; spins++) {
    if (spins < BARRIER_SPINS) cpu_relax();
    else std::this_thread::yield();
  }
}

// The share [lo, hi) of `count` items that thread t of `threads` takes.
void share(int count, int t, int threads, int& lo, int& hi) {
  lo = int(int64_t(count) * t / threads);
  hi = int(int64_t(count) * (t + 1) / threads);
}

// Thread t's part of one call: pack its panels of b, wait for the others, then
// compute its band of rows of c (in whole register tiles).
void work(Pool& p, int t) {
  const int N = int(p.n);
  const int panels = (N + NR - 1) / NR;
  const size_t slice = size_t(panels) * NR;  // floats per k step of a packed slice
  int p0, p1;
  share(panels, t, p.threads, p0, p1);
  for (int pc = 0; pc < N; pc += KC) {
    int kc = N - pc < KC ? N - pc : KC;
    int cols = (p1 * NR < N ? p1 * NR : N) - p0 * NR;
    if (cols > 0) pack_b(p.b + size_t(pc) * p.n + size_t(p0) * NR, p.n, kc, cols, p.packed_b + size_t(pc) * slice + size_t(p0) * NR * kc);
  }
  if (p.threads > 1) barrier(p);

  int t0, t1;
  share((N + MR - 1) / MR, t, p.threads, t0, t1);
  const int row0 = t0 * MR, row1 = t1 * MR < N ? t1 * MR : N;
  Buffers& buf = p.buffers[t];
  float* pa = grow(buf.a, buf.a_len, size_t((MC + MR) * (N < KC ? N : KC)));
  alignas(64) float tile[MR * NR];
  for (int pc = 0; pc < N; pc += KC) {
    int kc = N - pc < KC ? N - pc : KC;
    const float* pb = p.packed_b + size_t(pc) * slice;
    for (int ic = row0; ic < row1; ic += MC) {
      int mc = row1 - ic < MC ? row1 - ic : MC;
      pack_a(p.a + size_t(ic) * p.n + pc, p.n, mc, kc, pa);
      for (int jr = 0; jr < N; jr += NR) {
        int cols = N - jr < NR ? N - jr : NR;
        for (int ir = 0; ir < mc; ir += MR) {
          int rows = mc - ir < MR ? mc - ir : MR;
          micro_kernel(kc, pa + size_t(ir) * kc, pb + size_t(jr) * kc, tile);
          write_tile(tile, p.c + size_t(ic + ir) * p.n + jr, p.n, rows, cols, pc > 0);
        }
      }
    }
  }
}

void worker(int index) {
  Pool& p = pool();
  uint64_t seen = 0;
  for (;;) {
    std::unique_lock<std::mutex> lock(p.m);
    p.wake.wait(lock, [&] { return p.generation != seen; });
    seen = p.generation;
    if (index > p.active) continue;
    lock.unlock();
    work(p, index);
    lock.lock();
    if (--p.pending == 0) p.done.notify_one();
  }
}

int requested_threads = 1;

}  // namespace

// Called by Assay with this case's `threads` setting before the kernel runs.
extern "C" void assay_set_threads(uint32_t threads) {
  int t = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : int(threads);
  requested_threads = t;
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.m);
  while (p.started < t - 1) {
    int index = ++p.started;
    std::thread(worker, index).detach();
  }
}

extern "C" void kernel(const float* a, const float* b, float* c, uint32_t n) {
  if (n == 0) return;
  Pool& p = pool();
  // `threads` is the most threads used: each takes at least MIN_FLOPS_PER_THREAD
  // of work, since waking a worker costs microseconds that a small product
  // (n = 128 is 4 MFLOP, about 25 us on one core) would not win back
  double flops = 2.0 * double(n) * double(n) * double(n);
  int useful = int(flops / MIN_FLOPS_PER_THREAD);
  int threads = requested_threads < useful ? requested_threads : useful;
  if (threads < 1) threads = 1;
  const size_t panels = (n + NR - 1) / NR;
  grow(p.packed_b, p.packed_b_len, panels * NR * n);
  p.a = a, p.b = b, p.c = c, p.n = n, p.threads = threads;
  if (threads == 1) {
    work(p, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(p.m);
    p.active = threads - 1;
    p.pending = threads - 1;
    p.generation++;
  }
  p.wake.notify_all();
  work(p, 0);
  std::unique_lock<std::mutex> lock(p.m);
  p.done.wait(lock, [&] { return p.pending == 0; });
}
