// Callgrind's client requests (valgrind/callgrind.h), for instruction-count
// mode: the runner process runs under `valgrind --tool=callgrind
// --instr-atstart=no`, and brackets only the measured calls with them, so that
// start-up, loading and verification are never counted. Each request is a few
// no-op instructions when the process does not run under valgrind. Where the
// headers were absent at build time (valgrind not installed), `callgrind.built`
// is false and the mode says to rebuild the addon.
#include "native.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#include <valgrind/valgrind.h>
#define ASSAY_HAVE_CALLGRIND 1
#endif
#endif

namespace assay {
namespace {

#ifdef ASSAY_HAVE_CALLGRIND
// The plain C interface: these sit next to the measured calls, and the C++
// wrapper's per-call bookkeeping would be counted with them.
napi_value Zero(napi_env, napi_callback_info) {
  CALLGRIND_ZERO_STATS;
  return nullptr;
}
napi_value Dump(napi_env, napi_callback_info) {
  CALLGRIND_DUMP_STATS;
  return nullptr;
}
napi_value Start(napi_env, napi_callback_info) {
  CALLGRIND_START_INSTRUMENTATION;
  return nullptr;
}
napi_value Stop(napi_env, napi_callback_info) {
  CALLGRIND_STOP_INSTRUMENTATION;
  return nullptr;
}
napi_value Running(napi_env env, napi_callback_info) {
  napi_value out;
  napi_get_boolean(env, RUNNING_ON_VALGRIND != 0, &out);
  return out;
}
#else
napi_value Zero(napi_env, napi_callback_info) { return nullptr; }
napi_value Dump(napi_env, napi_callback_info) { return nullptr; }
napi_value Start(napi_env, napi_callback_info) { return nullptr; }
napi_value Stop(napi_env, napi_callback_info) { return nullptr; }
napi_value Running(napi_env env, napi_callback_info) {
  napi_value out;
  napi_get_boolean(env, false, &out);
  return out;
}
#endif

void Set(napi_env env, napi_value obj, const char* name, napi_callback cb) {
  napi_value fn;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn));
  NAPI_THROW_IF_FAILED_VOID(env, napi_set_named_property(env, obj, name, fn));
}

}  // namespace

void InitCallgrind(Napi::Env env, Napi::Object exports) {
  Napi::Object cg = Napi::Object::New(env);
#ifdef ASSAY_HAVE_CALLGRIND
  cg.Set("built", Napi::Boolean::New(env, true));
#else
  cg.Set("built", Napi::Boolean::New(env, false));
#endif
  Set(env, cg, "zero", Zero);
  Set(env, cg, "dump", Dump);
  Set(env, cg, "start", Start);
  Set(env, cg, "stop", Stop);
  Set(env, cg, "running", Running);
  exports.Set("callgrind", cg);
}

}  // namespace assay
