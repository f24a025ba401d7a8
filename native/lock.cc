// A machine-wide lock: the kernel's flock() on a file. The kernel releases it
// when the holding process dies, however it dies (even by SIGKILL), so a crashed
// holder never blocks the others. Taking it never blocks: `lockTry` asks with
// LOCK_NB and the caller polls, so that its event loop stays free meanwhile.
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

#include "native.h"

namespace assay {
namespace {

Napi::Value Fail(Napi::Env env, const std::string& message) {
  Napi::Error::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

// lockOpen(path) -> fd; the file is created if absent, and closed on exec
Napi::Value LockOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) return Fail(env, "lockOpen(path): path must be a string");
  std::string path = info[0].As<Napi::String>();
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return Fail(env, "cannot open the lock file " + path + ": " + strerror(errno));
  return Napi::Number::New(env, fd);
}

// lockTry(fd) -> true when this process now holds the lock, false when another does
Napi::Value LockTry(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) return Fail(env, "lockTry(fd): fd must be a number");
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) return Napi::Boolean::New(env, true);
  if (errno == EWOULDBLOCK || errno == EINTR) return Napi::Boolean::New(env, false);
  return Fail(env, std::string("flock failed: ") + strerror(errno));
}

// lockRelease(fd): unlocks and closes
Napi::Value LockRelease(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) return Fail(env, "lockRelease(fd): fd must be a number");
  int fd = info[0].As<Napi::Number>().Int32Value();
  flock(fd, LOCK_UN);
  close(fd);
  return env.Undefined();
}

}  // namespace

void InitLock(Napi::Env env, Napi::Object exports) {
  exports.Set("lockOpen", Napi::Function::New(env, LockOpen, "lockOpen"));
  exports.Set("lockTry", Napi::Function::New(env, LockTry, "lockTry"));
  exports.Set("lockRelease", Napi::Function::New(env, LockRelease, "lockRelease"));
}

}  // namespace assay
