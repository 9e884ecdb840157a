/*
 * A small closed-loop HTTP/1.1 load generator for the end-to-end group: `connections`
 * keep-alive connections, each with one request in flight, for `seconds`; counts complete
 * responses (headers, then a Content-Length or chunked body). Written in C so the load generator itself
 * costs little CPU on a small machine where it shares the cores with the server.
 *   http-load <port> <connections> <seconds> [path]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common.h"

#define MAX_CONN 256
#define BUF_SIZE 65536

static char request[1024];
static size_t request_len;

struct conn {
  int fd;
  size_t used;
  char buf[BUF_SIZE];
};

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
  return fd;
}

static void send_request(struct conn *c) {
  if (write(c->fd, request, request_len) != (ssize_t)request_len) die("write");
}

/* The value of header `name` (lower case, with its colon) in the head [buf, end), or NULL. */
static const char *header(const char *buf, const char *end, const char *name) {
  size_t n = strlen(name);
  for (const char *p = buf; p + n <= end; p++) {
    if ((p == buf || p[-1] == '\n') && !strncasecmp(p, name, n)) {
      p += n;
      while (p < end && *p == ' ') p++;
      return p;
    }
  }
  return NULL;
}

/* Length of a complete chunked body starting at `body`, or 0 when it is not complete yet. */
static size_t chunked_length(const char *body, const char *end) {
  const char *p = body;
  for (;;) {
    const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
    if (!eol) return 0;
    size_t size = strtoul(p, NULL, 16);
    p = eol + 2;
    if (size == 0) { /* last chunk: no trailers expected, then the final CRLF */
      if (end - p < 2) return 0;
      return (size_t)(p + 2 - body);
    }
    if ((size_t)(end - p) < size + 2) return 0;
    p += size + 2;
  }
}

/* Length of the first complete response in the buffer, or 0 when it is not complete yet. */
static size_t complete_response(const struct conn *c) {
  const char *buf = c->buf, *end = buf + c->used;
  const char *head_end = memmem(buf, c->used, "\r\n\r\n", 4);
  if (!head_end) return 0;
  size_t head = (size_t)(head_end - buf) + 4;
  const char *te = header(buf, head_end, "transfer-encoding:");
  if (te && !strncasecmp(te, "chunked", 7)) {
    size_t body = chunked_length(buf + head, end);
    return body ? head + body : 0;
  }
  const char *cl = header(buf, head_end, "content-length:");
  size_t body = cl ? strtoul(cl, NULL, 10) : 0;
  return c->used >= head + body ? head + body : 0;
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: http-load <port> <connections> <seconds> [path]\n");
    return 2;
  }
  int len = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", argc == 5 ? argv[4] : "/");
  if (len < 0 || (size_t)len >= sizeof request) die("path too long");
  request_len = (size_t)len;
  int port = atoi(argv[1]), n = atoi(argv[2]);
  double seconds = atof(argv[3]);
  if (n < 1 || n > MAX_CONN) n = MAX_CONN;
  static struct conn conns[MAX_CONN];
  struct pollfd pfd[MAX_CONN];
  for (int i = 0; i < n; i++) {
    conns[i].fd = connect_to(port);
    conns[i].used = 0;
    pfd[i] = (struct pollfd){.fd = conns[i].fd, .events = POLLIN};
    send_request(&conns[i]);
  }
  unsigned long long done = 0, errors = 0;
  uint64_t start = now_ns(), stop = start + (uint64_t)(seconds * 1e9);
  while (now_ns() < stop) {
    if (poll(pfd, n, 100) < 0) die("poll");
    for (int i = 0; i < n; i++) {
      if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      struct conn *c = &conns[i];
      ssize_t got = read(c->fd, c->buf + c->used, BUF_SIZE - c->used);
      if (got <= 0) { /* the server closed the connection: count it and reconnect */
        errors++;
        close(c->fd);
        c->fd = pfd[i].fd = connect_to(port);
        c->used = 0;
        send_request(c);
        continue;
      }
      c->used += (size_t)got;
      size_t len;
      while ((len = complete_response(c)) > 0) {
        done++;
        memmove(c->buf, c->buf + len, c->used - len);
        c->used -= len;
        send_request(c);
      }
    }
  }
  double elapsed = (double)(now_ns() - start) / 1e9;
  printf("{\"requests\":%llu,\"seconds\":%.3f,\"rps\":%.1f,\"errors\":%llu}\n", done, elapsed, done / elapsed, errors);
  return 0;
}
