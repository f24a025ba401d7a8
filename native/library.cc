// Loading compiled kernels and calling them. A library is opened with dlopen and
// its functions found with dlsym; a call passes each typed array's own memory
// (zero-copy) and each number as a uint32. Every argument of a kernel prototype
// is a pointer or a uint32_t, and on the x86-64 and AArch64 calling conventions
// both travel in one integer register or stack slot each, so one generic caller
// per argument count covers every prototype.
#include <dlfcn.h>

#include <string>
#include <vector>

#include "native.h"

namespace assay {
namespace {

using Word = uintptr_t;
constexpr size_t kMaxArgs = 16;

// Libraries stay loaded for the life of the process: a kernel may have started
// threads that live inside it, and unloading their code under them would crash.
std::vector<void*> libraries;
std::vector<void*> functions;

#define W Word
void Invoke(void* f, const Word* a, size_t n) {
  switch (n) {
    case 0: reinterpret_cast<void (*)()>(f)(); break;
    case 1: reinterpret_cast<void (*)(W)>(f)(a[0]); break;
    case 2: reinterpret_cast<void (*)(W, W)>(f)(a[0], a[1]); break;
    case 3: reinterpret_cast<void (*)(W, W, W)>(f)(a[0], a[1], a[2]); break;
    case 4: reinterpret_cast<void (*)(W, W, W, W)>(f)(a[0], a[1], a[2], a[3]); break;
    case 5: reinterpret_cast<void (*)(W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4]); break;
    case 6: reinterpret_cast<void (*)(W, W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4], a[5]); break;
    case 7: reinterpret_cast<void (*)(W, W, W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6]); break;
    case 8: reinterpret_cast<void (*)(W, W, W, W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]); break;
    case 9: reinterpret_cast<void (*)(W, W, W, W, W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]); break;
    case 10: reinterpret_cast<void (*)(W, W, W, W, W, W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]); break;
    case 11:
      reinterpret_cast<void (*)(W, W, W, W, W, W, W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
      break;
    case 12:
      reinterpret_cast<void (*)(W, W, W, W, W, W, W, W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
      break;
    case 13:
      reinterpret_cast<void (*)(W, W, W, W, W, W, W, W, W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11],
                                                                           a[12]);
      break;
    case 14:
      reinterpret_cast<void (*)(W, W, W, W, W, W, W, W, W, W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10],
                                                                              a[11], a[12], a[13]);
      break;
    case 15:
      reinterpret_cast<void (*)(W, W, W, W, W, W, W, W, W, W, W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10],
                                                                                 a[11], a[12], a[13], a[14]);
      break;
    case 16:
      reinterpret_cast<void (*)(W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W)>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9],
                                                                                    a[10], a[11], a[12], a[13], a[14], a[15]);
      break;
  }
}
#undef W

Napi::Value Fail(Napi::Env env, const std::string& message) {
  Napi::Error::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

/** The function registered under a JS number, or null (with a JS exception pending). */
void* FunctionAt(Napi::Env env, const Napi::Value& v) {
  if (!v.IsNumber()) {
    Fail(env, "expected a function handle");
    return nullptr;
  }
  uint32_t i = v.As<Napi::Number>().Uint32Value();
  if (i >= functions.size()) {
    Fail(env, "unknown function handle " + std::to_string(i));
    return nullptr;
  }
  return functions[i];
}

/**
 * Converts JS arguments (typed arrays and uint32 numbers) into machine words;
 * keeps the arrays referenced in `keep` when given. False with a JS exception pending on bad input.
 */
bool Marshal(Napi::Env env, const Napi::Value& list, std::vector<Word>& words, std::vector<Napi::ObjectReference>* keep) {
  if (!list.IsArray()) {
    Fail(env, "expected an array of arguments");
    return false;
  }
  Napi::Array args = list.As<Napi::Array>();
  if (args.Length() > kMaxArgs) {
    Fail(env, "a kernel takes at most " + std::to_string(kMaxArgs) + " arguments, not " + std::to_string(args.Length()));
    return false;
  }
  for (uint32_t i = 0; i < args.Length(); i++) {
    Napi::Value v = args.Get(i);
    if (v.IsTypedArray()) {
      // napi_get_typedarray_info moves a small on-heap array off the heap, so the
      // pointer stays valid while the array is alive
      napi_typedarray_type type;
      size_t length;
      void* data;
      napi_value buffer;
      size_t offset;
      if (napi_get_typedarray_info(env, v, &type, &length, &data, &buffer, &offset) != napi_ok) {
        Fail(env, "argument " + std::to_string(i) + ": cannot read the typed array");
        return false;
      }
      words.push_back(reinterpret_cast<Word>(data));
      if (keep) keep->push_back(Napi::Persistent(v.As<Napi::Object>()));
    } else if (v.IsNumber()) {
      double d = v.As<Napi::Number>().DoubleValue();
      if (!(d >= 0 && d <= 4294967295.0 && d == double(uint32_t(d)))) {
        Fail(env, "argument " + std::to_string(i) + ": " + std::to_string(d) + " is not a uint32");
        return false;
      }
      words.push_back(Word(uint32_t(d)));
    } else {
      Fail(env, "argument " + std::to_string(i) + ": expected a typed array or a uint32");
      return false;
    }
  }
  return true;
}

// open(path) -> library handle; throws with dlerror's message
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) return Fail(env, "open(path): path must be a string");
  std::string path = info[0].As<Napi::String>();
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* err = dlerror();
    return Fail(env, err ? err : ("dlopen failed for " + path));
  }
  libraries.push_back(lib);
  return Napi::Number::New(env, double(libraries.size() - 1));
}

// symbol(lib, name) -> function handle, or null when the library does not export it
Napi::Value Symbol(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || !info[1].IsString()) return Fail(env, "symbol(lib, name): expected a library handle and a name");
  uint32_t i = info[0].As<Napi::Number>().Uint32Value();
  if (i >= libraries.size()) return Fail(env, "unknown library handle " + std::to_string(i));
  std::string name = info[1].As<Napi::String>();
  dlerror();
  void* f = dlsym(libraries[i], name.c_str());
  if (!f) return env.Null();
  functions.push_back(f);
  return Napi::Number::New(env, double(functions.size() - 1));
}

// call(fn, args): one call, for verification and for setting hooks
Napi::Value Call(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* f = FunctionAt(env, info[0]);
  if (!f) return env.Undefined();
  std::vector<Word> words;
  if (!Marshal(env, info[1], words, nullptr)) return env.Undefined();
  Invoke(f, words.data(), words.size());
  return env.Undefined();
}

/**
 * A kernel bound to one case's arguments: the pointers are taken once, and the
 * arrays are kept alive until release(). `repeat(k)` runs the kernel k times back
 * to back in native code and returns their total time on CLOCK_MONOTONIC_RAW, so
 * no JS call overhead is inside the measured time.
 */
class Bound : public Napi::ObjectWrap<Bound> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Bound",
                       {InstanceMethod<&Bound::CallOnce>("call"), InstanceMethod<&Bound::Repeat>("repeat"),
                        InstanceMethod<&Bound::Counted>("counted"), InstanceMethod<&Bound::Release>("release")});
  }

  // Bound(fn, args), or Bound(fn, [args0, args1, ...]): several argument lists
  // (input sets sharing one output) that repeated calls rotate through
  Bound(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Bound>(info) {
    Napi::Env env = info.Env();
    fn_ = FunctionAt(env, info[0]);
    if (!fn_) return;
    if (!info[1].IsArray()) {
      Fail(env, "expected an array of arguments");
      return;
    }
    Napi::Array lists = info[1].As<Napi::Array>();
    bool several = lists.Length() > 0 && lists.Get(uint32_t(0)).IsArray();
    uint32_t count = several ? lists.Length() : 1;
    for (uint32_t i = 0; i < count; i++) {
      std::vector<Word> words;
      if (!Marshal(env, several ? lists.Get(i) : Napi::Value(lists), words, &keep_)) return;
      sets_.push_back(std::move(words));
    }
  }

 private:
  bool Live(Napi::Env env) {
    if (fn_ && !released_ && !sets_.empty()) return true;
    Fail(env, "this bound kernel was released");
    return false;
  }

  Napi::Value CallOnce(const Napi::CallbackInfo& info) {
    if (!Live(info.Env())) return info.Env().Undefined();
    Invoke(fn_, sets_[0].data(), sets_[0].size());
    return info.Env().Undefined();
  }

  uint32_t Iterations(const Napi::CallbackInfo& info) {
    return info[0].IsNumber() ? info[0].As<Napi::Number>().Uint32Value() : 1;
  }

  // repeat(k[, start]): k calls back to back, call i with argument list (start + i) mod sets
  Napi::Value Repeat(const Napi::CallbackInfo& info) {
    if (!Live(info.Env())) return info.Env().Undefined();
    uint32_t k = Iterations(info);
    size_t n = sets_.size();
    size_t at = info[1].IsNumber() ? size_t(info[1].As<Napi::Number>().Uint32Value()) % n : 0;
    int64_t t0 = MonotonicRawNs();
    if (n == 1) {
      const std::vector<Word>& w = sets_[0];
      for (uint32_t i = 0; i < k; i++) Invoke(fn_, w.data(), w.size());
    } else {
      for (uint32_t i = 0; i < k; i++) {
        const std::vector<Word>& w = sets_[at];
        Invoke(fn_, w.data(), w.size());
        if (++at == n) at = 0;
      }
    }
    int64_t t1 = MonotonicRawNs();
    return Napi::Number::New(info.Env(), double(t1 - t0));
  }

  // counted(k) -> {cycles, instructions} over k calls, or null without counters
  Napi::Value Counted(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Live(env)) return env.Undefined();
    uint32_t k = Iterations(info);
    if (!CountersStart()) return env.Null();
    for (uint32_t i = 0; i < k; i++) Invoke(fn_, sets_[0].data(), sets_[0].size());
    CounterReading r = CountersStop();
    if (!r.ok) return env.Null();
    Napi::Object out = Napi::Object::New(env);
    out.Set("cycles", r.cycles);
    out.Set("instructions", r.instructions);
    return out;
  }

  Napi::Value Release(const Napi::CallbackInfo& info) {
    released_ = true;
    keep_.clear();
    sets_.clear();
    return info.Env().Undefined();
  }

  void* fn_ = nullptr;
  bool released_ = false;
  std::vector<std::vector<Word>> sets_;
  std::vector<Napi::ObjectReference> keep_;
};

}  // namespace

void InitLibrary(Napi::Env env, Napi::Object exports) {
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  exports.Set("symbol", Napi::Function::New(env, Symbol, "symbol"));
  exports.Set("call", Napi::Function::New(env, Call, "call"));
  Napi::Function bound = Bound::Define(env);
  // the constructor must outlive this call: keep it referenced for the module's life
  env.SetInstanceData(new Napi::FunctionReference(Napi::Persistent(bound)));
  exports.Set("Bound", bound);
}

}  // namespace assay
