/*
 * Batched UDP for the DNS front end: recvmmsg(2)/sendmmsg(2) on one socket, driven by a
 * libuv poll handle on Node's own event loop.
 *
 * Why: a Node dgram socket costs one recvmsg, one sendmsg and two crossings between C++
 * and JavaScript per datagram; the profile of the DNS benchmark put ~60% of the server's
 * time there (bench/README.md). Knot DNS batches with recvmmsg/sendmmsg; this does the
 * same, so one wake-up reads up to BATCH queries, JavaScript answers them all in one call,
 * and one sendmmsg sends the replies.
 *
 * The JavaScript side owns three buffers, shared with this code for the socket's life:
 *   in   BATCH slots of IN_SLOT bytes: the datagrams read
 *   out  BATCH slots of OUT_SLOT bytes: the replies written by JavaScript
 *   meta BATCH records of META_WORDS int32: [length (-1 if truncated), port, family,
 *        address words 0..3 (network order bytes as read), reply length (set by JS)]
 * The layout constants are exported so the JavaScript side never hard-codes them.
 *
 * Only the I/O is here: parsing and answering stay in TypeScript (src/dns/batch-udp.ts).
 */
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define IN_SLOT 4096
#define OUT_SLOT 4096
#define META_WORDS 8
#define META_REPLY 7
/* Rounds of recvmmsg per wake-up before yielding to the rest of the event loop (TCP, HTTP, Raft). */
#define ROUNDS_PER_WAKEUP 4

/* Poll errors in a row (no datagram read between them) before reading stops for good. */
#define MAX_POLL_ERRORS 100

typedef struct {
  int fd;
  int closing;
  int poll_errors;
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_ref on_error;
  napi_ref on_closed; /* NULL unless close() was given a callback */
  napi_ref in_ref, out_ref, meta_ref;
  napi_async_context async_context;
  uint8_t *in;
  uint8_t *out;
  int32_t *meta;
  struct sockaddr_storage addrs[BATCH];
  struct iovec riov[BATCH];
  struct mmsghdr rmsgs[BATCH];
  struct iovec siov[BATCH];
  struct mmsghdr smsgs[BATCH];
} batch_socket;

#define CHECK(env, call)                                   \
  do {                                                     \
    if ((call) != napi_ok) {                               \
      napi_throw_error((env), NULL, "udp-batch: " #call);  \
      return NULL;                                         \
    }                                                      \
  } while (0)

static const char *errno_code(int err) {
  switch (err) {
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EMFILE: return "EMFILE";
    case ENOMEM: return "ENOMEM";
    default: return "EIO";
  }
}

/* Throws an Error with `code` set and a message shaped like Node's own ("bind EADDRINUSE 127.0.0.1:53"). */
static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[200];
  snprintf(msg, sizeof msg, "%s %s (%s)", what, errno_code(err), strerror(err));
  napi_throw_error(env, errno_code(err), msg);
  return NULL;
}

static void fill_meta(batch_socket *s, int i) {
  int32_t *m = s->meta + i * META_WORDS;
  struct mmsghdr *h = &s->rmsgs[i];
  m[0] = (h->msg_hdr.msg_flags & MSG_TRUNC) ? -1 : (int32_t)h->msg_len;
  m[META_REPLY] = 0;
  if (s->addrs[i].ss_family == AF_INET6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&s->addrs[i];
    m[1] = ntohs(a->sin6_port);
    m[2] = 6;
    memcpy(&m[3], &a->sin6_addr, 16);
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&s->addrs[i];
    m[1] = ntohs(a->sin_port);
    m[2] = 4;
    memcpy(&m[3], &a->sin_addr, 4);
    m[4] = m[5] = m[6] = 0;
  }
}

/* Sends the replies JavaScript left in the out slots. A reply the kernel refuses is
 * dropped, as a full socket buffer drops it for any UDP server: the client retries. */
static void send_replies(batch_socket *s, int n) {
  int m = 0;
  for (int i = 0; i < n; i++) {
    int32_t len = s->meta[i * META_WORDS + META_REPLY];
    if (len <= 0 || len > OUT_SLOT) continue;
    s->siov[m].iov_base = s->out + (size_t)i * OUT_SLOT;
    s->siov[m].iov_len = (size_t)len;
    memset(&s->smsgs[m].msg_hdr, 0, sizeof(struct msghdr));
    s->smsgs[m].msg_hdr.msg_name = &s->addrs[i];
    s->smsgs[m].msg_hdr.msg_namelen = s->rmsgs[i].msg_hdr.msg_namelen;
    s->smsgs[m].msg_hdr.msg_iov = &s->siov[m];
    s->smsgs[m].msg_hdr.msg_iovlen = 1;
    m++;
  }
  int sent = 0;
  while (sent < m) {
    int r = sendmmsg(s->fd, s->smsgs + sent, (unsigned)(m - sent), MSG_DONTWAIT);
    if (r > 0) { sent += r; continue; }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) return;
    /* An error for this one destination (e.g. EPERM, unreachable): skip it, send the rest. */
    sent += 1;
  }
}

static int call_batch(batch_socket *s, int n) {
  napi_env env = s->env;
  napi_value cb, recv, arg, result;
  if (napi_get_reference_value(env, s->callback, &cb) != napi_ok) return -1;
  napi_get_global(env, &recv); /* make_callback needs an object receiver */
  napi_create_int32(env, n, &arg);
  napi_status st = napi_make_callback(env, s->async_context, recv, cb, 1, &arg, &result);
  if (st == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
    return -1;
  }
  return st == napi_ok ? 0 : -1;
}

static void on_readable(uv_poll_t *handle, int status, int events);

/* Calls `ref`(args…) from a libuv callback (no JavaScript on the stack): a handle scope of
 * its own, and an uncaught exception goes to Node's handler as for any other callback. */
static void call_js(batch_socket *s, napi_ref ref, size_t argc, napi_value *argv) {
  napi_env env = s->env;
  napi_handle_scope scope;
  if (ref == NULL || napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, result;
  if (napi_get_reference_value(env, ref, &fn) == napi_ok && fn != NULL) {
    napi_get_global(env, &recv);
    napi_make_callback(env, s->async_context, recv, fn, argc, argv, &result);
    /* A throw goes to Node's handler; a stopping environment refuses the call with no
     * exception pending, and then there is nothing to report. */
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
}

/* Tells JavaScript about a poll error: onError(libuv error code, whether reading goes on). */
static void report_poll_error(batch_socket *s, int status, bool resumed) {
  napi_handle_scope scope;
  if (napi_open_handle_scope(s->env, &scope) != napi_ok) return;
  napi_value argv[2];
  napi_create_int32(s->env, status, &argv[0]);
  napi_get_boolean(s->env, resumed, &argv[1]);
  call_js(s, s->on_error, 2, argv);
  napi_close_handle_scope(s->env, scope);
}

/*
 * libuv stops a poll handle whose descriptor reports POLLERR (a pending socket error) and
 * calls back with an error. A DNS listener that then stops reading without a word is the
 * worst way to fail, so: clear the socket error (reading SO_ERROR does), start polling
 * again, and tell JavaScript, which logs it. Only if polling cannot restart, or errors
 * keep coming with nothing read between them, does reading stop, and JavaScript hears so.
 */
static void on_poll_error(batch_socket *s, int status) {
  int pending = 0;
  socklen_t len = sizeof pending;
  getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &pending, &len);
  bool resumed = ++s->poll_errors < MAX_POLL_ERRORS && uv_poll_start(&s->poll, UV_READABLE, on_readable) == 0;
  /* libuv reports POLLERR as UV_EBADF whatever it was; the socket's own error says more. */
  report_poll_error(s, pending != 0 ? -pending : status, resumed);
}

/* Readies receive slot i for recvmmsg: its buffer, and room for any address. Every slot
 * is readied once at open and, after each round, only the slots that round filled (the
 * kernel rewrote their address length): one datagram per wake-up, as at a low query
 * rate, no longer pays for clearing all BATCH headers. */
static void arm_receive(batch_socket *s, int i) {
  s->riov[i].iov_base = s->in + (size_t)i * IN_SLOT;
  s->riov[i].iov_len = IN_SLOT;
  memset(&s->rmsgs[i].msg_hdr, 0, sizeof(struct msghdr));
  s->rmsgs[i].msg_hdr.msg_name = &s->addrs[i];
  s->rmsgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
  s->rmsgs[i].msg_hdr.msg_iov = &s->riov[i];
  s->rmsgs[i].msg_hdr.msg_iovlen = 1;
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  batch_socket *s = (batch_socket *)handle->data;
  if (s->closing) return;
  if (status < 0) {
    on_poll_error(s, status);
    return;
  }
  napi_handle_scope scope;
  if (napi_open_handle_scope(s->env, &scope) != napi_ok) return;
  for (int round = 0; round < ROUNDS_PER_WAKEUP && !s->closing; round++) {
    int n = recvmmsg(s->fd, s->rmsgs, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) break; /* EAGAIN: drained; other errors (e.g. a queued ICMP error) are retried on the next wake-up */
    s->poll_errors = 0;
    for (int i = 0; i < n; i++) fill_meta(s, i);
    int failed = call_batch(s, n) != 0 || s->closing;
    if (!failed) send_replies(s, n);
    /* After the sends, which read each slot's address length. */
    for (int i = 0; i < n; i++) arm_receive(s, i);
    if (failed || n < BATCH) break;
  }
  napi_close_handle_scope(s->env, scope);
}

static void on_closed(uv_handle_t *handle) {
  batch_socket *s = (batch_socket *)handle->data;
  close(s->fd);
  /* Only now is the port free again: close()'s callback runs after this. */
  if (s->on_closed != NULL) {
    call_js(s, s->on_closed, 0, NULL);
    napi_delete_reference(s->env, s->on_closed);
  }
  napi_delete_reference(s->env, s->on_error);
  napi_delete_reference(s->env, s->callback);
  napi_delete_reference(s->env, s->in_ref);
  napi_delete_reference(s->env, s->out_ref);
  napi_delete_reference(s->env, s->meta_ref);
  napi_async_destroy(s->env, s->async_context);
  free(s);
}

static int buffer_of(napi_env env, napi_value v, size_t want, void **data) {
  size_t len = 0;
  if (napi_get_buffer_info(env, v, data, &len) != napi_ok) return -1;
  return len >= want ? 0 : -1;
}

/* open(family, host, port, ipv6Only, receiveBufferBytes, in, out, meta, onBatch, onError) → handle */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 10) { napi_throw_type_error(env, NULL, "udp-batch: open needs 10 arguments"); return NULL; }
  int32_t family, port, rcvbuf;
  bool v6only;
  char host[64];
  size_t hostlen;
  CHECK(env, napi_get_value_int32(env, argv[0], &family));
  CHECK(env, napi_get_value_string_latin1(env, argv[1], host, sizeof host, &hostlen));
  CHECK(env, napi_get_value_int32(env, argv[2], &port));
  CHECK(env, napi_get_value_bool(env, argv[3], &v6only));
  CHECK(env, napi_get_value_int32(env, argv[4], &rcvbuf));
  void *in, *out, *meta;
  if (buffer_of(env, argv[5], (size_t)BATCH * IN_SLOT, &in) || buffer_of(env, argv[6], (size_t)BATCH * OUT_SLOT, &out) ||
      buffer_of(env, argv[7], (size_t)BATCH * META_WORDS * 4, &meta)) {
    napi_throw_type_error(env, NULL, "udp-batch: a buffer is missing or too small");
    return NULL;
  }

  struct sockaddr_storage addr;
  socklen_t addrlen;
  memset(&addr, 0, sizeof addr);
  if (family == 6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&addr;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) return throw_errno(env, "bad IPv6 address", EINVAL);
    addrlen = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&addr;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) return throw_errno(env, "bad IPv4 address", EINVAL);
    addrlen = sizeof *a;
  }
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  if (family == 6) {
    int on = v6only ? 1 : 0;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  }
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf); /* best effort: capped by rmem_max */
  if (bind(fd, (struct sockaddr *)&addr, addrlen) != 0) {
    int err = errno;
    char what[100];
    close(fd);
    snprintf(what, sizeof what, family == 6 ? "bind [%s]:%d" : "bind %s:%d", host, port);
    return throw_errno(env, what, err);
  }

  batch_socket *s = (batch_socket *)calloc(1, sizeof *s);
  if (s == NULL) { close(fd); return throw_errno(env, "calloc", ENOMEM); }
  s->fd = fd;
  s->env = env;
  s->in = in;
  s->out = out;
  s->meta = meta;
  for (int i = 0; i < BATCH; i++) arm_receive(s, i);
  napi_create_reference(env, argv[8], 1, &s->callback);
  napi_create_reference(env, argv[9], 1, &s->on_error);
  napi_create_reference(env, argv[5], 1, &s->in_ref);
  napi_create_reference(env, argv[6], 1, &s->out_ref);
  napi_create_reference(env, argv[7], 1, &s->meta_ref);
  napi_value resource_name;
  napi_create_string_utf8(env, "anchordns:udp-batch", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &s->async_context);

  uv_loop_t *loop;
  CHECK(env, napi_get_uv_event_loop(env, &loop));
  uv_poll_init(loop, &s->poll, fd);
  s->poll.data = s;
  uv_poll_start(&s->poll, UV_READABLE, on_readable);

  napi_value handle;
  CHECK(env, napi_create_external(env, s, NULL, NULL, &handle));
  return handle;
}

static batch_socket *socket_of(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok) return NULL;
  return (batch_socket *)p;
}

/* port(handle) → the bound port */
static napi_value js_port(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  batch_socket *s = socket_of(env, argv[0]);
  if (s == NULL || s->closing) { napi_throw_error(env, NULL, "udp-batch: socket is closed"); return NULL; }
  struct sockaddr_storage addr;
  socklen_t len = sizeof addr;
  if (getsockname(s->fd, (struct sockaddr *)&addr, &len) != 0) return throw_errno(env, "getsockname", errno);
  int port = addr.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&addr)->sin6_port) : ntohs(((struct sockaddr_in *)&addr)->sin_port);
  napi_create_int32(env, port, &result);
  return result;
}

/* close(handle, onClosed?): stops reading; the socket is closed once libuv has let go of
 * it, and then onClosed() runs (the port can be bound again from there on). A second
 * close of the same handle does nothing and never calls back: callers close once. */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  batch_socket *s = socket_of(env, argv[0]);
  if (s == NULL || s->closing) return NULL;
  napi_valuetype type = napi_undefined;
  if (argc >= 2) napi_typeof(env, argv[1], &type);
  if (type == napi_function) napi_create_reference(env, argv[1], 1, &s->on_closed);
  s->closing = 1;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, on_closed);
  return NULL;
}

static void export_fn(napi_env env, napi_value exports, const char *name, napi_callback fn) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f);
  napi_set_named_property(env, exports, name, f);
}

static void export_int(napi_env env, napi_value exports, const char *name, int32_t value) {
  napi_value v;
  napi_create_int32(env, value, &v);
  napi_set_named_property(env, exports, name, v);
}

NAPI_MODULE_INIT() {
  export_fn(env, exports, "open", js_open);
  export_fn(env, exports, "port", js_port);
  export_fn(env, exports, "close", js_close);
  export_int(env, exports, "BATCH", BATCH);
  export_int(env, exports, "IN_SLOT", IN_SLOT);
  export_int(env, exports, "OUT_SLOT", OUT_SLOT);
  export_int(env, exports, "META_WORDS", META_WORDS);
  export_int(env, exports, "META_REPLY", META_REPLY);
  return exports;
}
