// Hardware counters (cycles, instructions) through perf_event_open, counted in
// user space only, around a stretch of native calls (Bound.counted) or of JS
// calls (countersStart/countersStop). Many VMs and locked-down kernels refuse them; the probe then
// says why (the errno and what it usually means), and nothing else fails.
#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "native.h"

namespace assay {
namespace {

struct Group {
  bool probed = false;
  int leader = -1;  // cycles
  int member = -1;  // instructions
  std::string reason;
};

Group group;

int OpenCounter(uint64_t config, int groupFd) {
  perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_HARDWARE;
  attr.config = config;
  attr.disabled = groupFd == -1 ? 1 : 0;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  attr.read_format = PERF_FORMAT_GROUP;
  return int(syscall(SYS_perf_event_open, &attr, 0, -1, groupFd, 0));
}

std::string Explain(const char* event, int err) {
  std::string why = std::string("perf_event_open(") + event + ") failed: " + strerror(err) + " (errno " + std::to_string(err) + ")";
  switch (err) {
    case ENOENT:
    case EOPNOTSUPP:
      return why + ": this CPU, kernel or virtual machine exposes no hardware counters (common on cloud VMs)";
    case EACCES:
    case EPERM:
      return why + ": the kernel forbids it; lower kernel.perf_event_paranoid (sysctl kernel.perf_event_paranoid=1) or grant CAP_PERFMON";
    case ENOSYS:
      return why + ": the kernel was built without perf events";
    default:
      return why;
  }
}

void Probe() {
  if (group.probed) return;
  group.probed = true;
  group.leader = OpenCounter(PERF_COUNT_HW_CPU_CYCLES, -1);
  if (group.leader < 0) {
    group.reason = Explain("cycles", errno);
    return;
  }
  group.member = OpenCounter(PERF_COUNT_HW_INSTRUCTIONS, group.leader);
  if (group.member < 0) {
    group.reason = Explain("instructions", errno);
    close(group.leader);
    group.leader = -1;
  }
}

Napi::Value ProbeJs(const Napi::CallbackInfo& info) {
  Probe();
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  bool ok = group.leader >= 0;
  out.Set("available", Napi::Boolean::New(env, ok));
  Napi::Array events = Napi::Array::New(env);
  if (ok) {
    events.Set(uint32_t(0), Napi::String::New(env, "cycles"));
    events.Set(uint32_t(1), Napi::String::New(env, "instructions"));
  } else {
    out.Set("reason", Napi::String::New(env, group.reason));
  }
  out.Set("events", events);
  return out;
}

}  // namespace

bool CountersStart() {
  Probe();
  if (group.leader < 0) return false;
  ioctl(group.leader, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
  ioctl(group.leader, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
  return true;
}

CounterReading CountersStop() {
  if (group.leader < 0) return {false, 0, 0};
  ioctl(group.leader, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
  // PERF_FORMAT_GROUP: the number of counters, then each value in group order
  uint64_t values[3] = {0, 0, 0};
  if (read(group.leader, values, sizeof values) < ssize_t(sizeof(uint64_t) * 3) || values[0] != 2) return {false, 0, 0};
  return {true, double(values[1]), double(values[2])};
}

// countersStart() -> whether counting started; countersStop() -> {cycles, instructions} or null.
// For JS work, whose calls the measuring loop makes: the region between the two is one batch.
static Napi::Value StartJs(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), CountersStart());
}

static Napi::Value StopJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CounterReading r = CountersStop();
  if (!r.ok) return env.Null();
  Napi::Object out = Napi::Object::New(env);
  out.Set("cycles", r.cycles);
  out.Set("instructions", r.instructions);
  return out;
}

void InitCounters(Napi::Env env, Napi::Object exports) {
  exports.Set("countersProbe", Napi::Function::New(env, ProbeJs, "countersProbe"));
  exports.Set("countersStart", Napi::Function::New(env, StartJs, "countersStart"));
  exports.Set("countersStop", Napi::Function::New(env, StopJs, "countersStop"));
}

}  // namespace assay
