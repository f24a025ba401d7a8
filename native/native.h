// Declarations shared by the addon's files: each file registers its functions
// on the exports object.
#pragma once
#include <napi.h>

namespace assay {

void InitClock(Napi::Env env, Napi::Object exports);
void InitCounters(Napi::Env env, Napi::Object exports);
void InitLibrary(Napi::Env env, Napi::Object exports);
void InitLock(Napi::Env env, Napi::Object exports);
void InitCallgrind(Napi::Env env, Napi::Object exports);

/** Hardware counter readings over a stretch of calls, when the kernel allows them. */
struct CounterReading {
  bool ok;
  double cycles;
  double instructions;
};

/** Starts counting (resetting the counters); false where counters are unavailable. */
bool CountersStart();
/** Stops counting and reads the counters. */
CounterReading CountersStop();

/** Nanoseconds on CLOCK_MONOTONIC_RAW, as an integer. */
int64_t MonotonicRawNs();

}  // namespace assay
