// The addon's entry point: one exports object holding the clock, the hardware
// counters, the dynamic-library loader used by the native backend, the
// machine-wide lock, and callgrind's client requests for instruction-count mode.
#include "native.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  assay::InitClock(env, exports);
  assay::InitCounters(env, exports);
  assay::InitLibrary(env, exports);
  assay::InitLock(env, exports);
  assay::InitCallgrind(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(assay_native, Init)
