/*
 * execve(2) for Node 20, which has no process.execve (it came in Node 22.15/23.11).
 *
 * `anchordns serve` uses it once, before it opens anything, to restart itself in the same
 * process with V8 flags that only take effect when the heap is created (the young
 * generation's size, see src/cli/young-generation.ts). The PID, the open standard streams
 * and the parent stay the same, so supervisors, `kill <pid>` and tests that stop the
 * process by PID see one process; a child process would change all three.
 *
 * exec(file, argv, env) does not return when it succeeds; on failure it throws an Error
 * whose `code` is the errno name, and the caller goes on in the current process.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <node_api.h>

/* A JS string as a malloc'd C string, or NULL (with a pending exception) on failure. */
static char *copy_string(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "reexec: expected a string");
    return NULL;
  }
  char *out = malloc(length + 1);
  if (out == NULL) {
    napi_throw_error(env, "ENOMEM", "reexec: out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, value, out, length + 1, &length);
  return out;
}

static void free_list(char **list) {
  if (list == NULL) return;
  for (char **p = list; *p != NULL; p++) free(*p);
  free(list);
}

/* A JS array of strings as a NULL-terminated, malloc'd array of C strings, or NULL. */
static char **copy_list(napi_env env, napi_value array) {
  bool is_array = false;
  uint32_t length = 0;
  if (napi_is_array(env, array, &is_array) != napi_ok || !is_array) {
    napi_throw_type_error(env, NULL, "reexec: expected an array of strings");
    return NULL;
  }
  napi_get_array_length(env, array, &length);
  char **out = calloc((size_t)length + 1, sizeof(char *));
  if (out == NULL) {
    napi_throw_error(env, "ENOMEM", "reexec: out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < length; i++) {
    napi_value item;
    napi_get_element(env, array, i, &item);
    out[i] = copy_string(env, item);
    if (out[i] == NULL) {
      free_list(out);
      return NULL;
    }
  }
  return out;
}

static napi_value exec_file(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc != 3) {
    napi_throw_type_error(env, NULL, "reexec: exec(file, argv, env)");
    return NULL;
  }
  char *file = copy_string(env, args[0]);
  char **argv = file == NULL ? NULL : copy_list(env, args[1]);
  char **envp = argv == NULL ? NULL : copy_list(env, args[2]);
  if (envp != NULL) {
    /* The standard streams must reach the new image, but Node marks them close-on-exec
       (fd 1 came back as /dev/null without this). */
    for (int fd = 0; fd <= 2; fd++) {
      int flags = fcntl(fd, F_GETFD);
      if (flags != -1 && (flags & FD_CLOEXEC)) fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
    }
    /* Under `node --cpu-prof`, V8's sampler thread sends this thread SIGPROF every
       interval. A SIGPROF still pending at execve stays pending in the new image, where it
       kills the process before V8 installs its handler (seen: "Profiling timer expired",
       exit 155, three anchors of three). Ignoring it discards the pending one (POSIX
       sigaction: setting SIG_IGN discards a pending signal) and any the sampler sends
       before execve ends its thread; node resets every disposition at start-up, and the
       new image's profiler installs its own handler. */
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    struct sigaction previous;
    sigaction(SIGPROF, &ignore, &previous);
    execve(file, argv, envp);
    int err = errno;
    sigaction(SIGPROF, &previous, NULL);
    char message[160];
    snprintf(message, sizeof message, "reexec: execve failed: %s", strerror(err));
    const char *code = err == ENOENT ? "ENOENT" : err == EACCES ? "EACCES" : err == E2BIG ? "E2BIG" : "EEXEC";
    napi_throw_error(env, code, message);
  }
  free(file);
  free_list(argv);
  free_list(envp);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "exec", NAPI_AUTO_LENGTH, exec_file, NULL, &fn);
  napi_set_named_property(env, exports, "exec", fn);
  return exports;
}
