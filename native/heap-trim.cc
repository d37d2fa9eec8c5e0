// Tells V8 the process is low on memory, once, at the end of an anchor's start-up
// (src/anchor/load-garbage.ts says why). Node-API has no such call, so this one addon
// uses V8's C++ API: Isolate::LowMemoryNotification, exported by every Node binary.
// It collects everything unreachable with compaction, returns the emptied pages, and
// shrinks the young generation to its minimum (it grows back under allocation), where a
// plain full collection (`gc()`) leaves the young generation at the size loading grew it.
#include <node_api.h>
#include <v8.h>

static napi_value LowMemoryNotification(napi_env, napi_callback_info) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  if (isolate != nullptr) isolate->LowMemoryNotification();
  return nullptr;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "lowMemoryNotification", NAPI_AUTO_LENGTH, LowMemoryNotification, nullptr, &fn) != napi_ok) return nullptr;
  if (napi_set_named_property(env, exports, "lowMemoryNotification", fn) != napi_ok) return nullptr;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
