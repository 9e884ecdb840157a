/*
 * A small closed-loop HTTP/1.1 load generator for the end-to-end group: `connections`
 * keep-alive connections, each with one request in flight, for `seconds`; counts complete
 * responses (headers + Content-Length body). Written in C so the load generator itself
 * costs little CPU on a small machine where it shares the cores with the server.
 *   http-load <port> <connections> <seconds>
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

static const char request[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

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
  if (write(c->fd, request, sizeof request - 1) != (ssize_t)(sizeof request - 1)) die("write");
}

/* Length of the first complete response in the buffer, or 0 when it is not complete yet. */
static size_t complete_response(const struct conn *c) {
  const char *end = memmem(c->buf, c->used, "\r\n\r\n", 4);
  if (!end) return 0;
  size_t head = (size_t)(end - c->buf) + 4, body = 0;
  for (const char *p = c->buf; p < end; p++) {
    if ((p == c->buf || p[-1] == '\n') && !strncasecmp(p, "content-length:", 15)) {
      body = strtoul(p + 15, NULL, 10);
      break;
    }
  }
  return c->used >= head + body ? head + body : 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: http-load <port> <connections> <seconds>\n");
    return 2;
  }
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
