// The addon's entry point: one exports object holding the clock, the hardware
// counters, the dynamic-library loader used by the native backend, and the
// machine-wide lock.
#include "native.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  assay::InitClock(env, exports);
  assay::InitCounters(env, exports);
  assay::InitLibrary(env, exports);
  assay::InitLock(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(assay_native, Init)
