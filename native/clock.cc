// The native clock: CLOCK_MONOTONIC_RAW (not slewed by NTP), read in ns relative
// to the addon's load so that a double keeps full nanosecond precision.
// `now` uses the plain Node-API C interface: it is on the measuring path, and
// the C++ wrapper's per-call bookkeeping would be timer overhead.
#include <time.h>

#include "native.h"

namespace assay {

int64_t MonotonicRawNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

namespace {

int64_t origin = 0;

napi_value Now(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_double(env, double(MonotonicRawNs() - origin), &out);
  return out;
}

Napi::Value Resolution(const Napi::CallbackInfo& info) {
  timespec ts;
  clock_getres(CLOCK_MONOTONIC_RAW, &ts);
  return Napi::Number::New(info.Env(), double(ts.tv_sec) * 1e9 + double(ts.tv_nsec));
}

}  // namespace

void InitClock(Napi::Env env, Napi::Object exports) {
  origin = MonotonicRawNs();
  napi_value fn;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, "clockNow", NAPI_AUTO_LENGTH, Now, nullptr, &fn));
  exports.Set("clockNow", Napi::Value(env, fn));
  exports.Set("clockResolution", Napi::Function::New(env, Resolution, "clockResolution"));
  exports.Set("clockName", Napi::String::New(env, "CLOCK_MONOTONIC_RAW"));
}

}  // namespace assay
