/*
 * Native baseline for the syscall-overhead group: times getppid and a small file read
 * (openat + read + close) through syscall(2), loads the given filters one after the other
 * (several specs = stacked filters), and times the same calls again in the same process.
 *   syscall <batches> <iterations> <file> [spec...]
 * The read path is a raw syscall sequence so the JS runtimes can issue exactly the same one.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "spec.h"

static const char *file;
static char buf[4096];

/*
 * Every argument is passed, zeros included: syscall(2) forwards whatever the registers hold
 * for the ones left out, and a filter that checks an argument (getppid's arg0 here) would
 * then see garbage and deny the call — which is faster than allowing it, and wrong.
 */
static long getppid_call(void) { return syscall(SYS_getppid, 0L, 0L, 0L, 0L, 0L, 0L); }

static void read_file(void) {
  long fd = syscall(SYS_openat, (long)AT_FDCWD, file, (long)(O_RDONLY | O_CLOEXEC), 0L, 0L, 0L);
  if (fd < 0) die("openat");
  if (syscall(SYS_read, fd, buf, (long)sizeof buf, 0L, 0L, 0L) < 0) die("read");
  syscall(SYS_close, fd, 0L, 0L, 0L, 0L, 0L);
}

/*
 * Batches of the two calls alternate, so a slow moment of the machine hits both alike, and
 * the fastest batch of each is kept: other work on the machine only ever adds time, so the
 * minimum is the steadiest estimate of what the call itself costs.
 */
static void measure(size_t batches, size_t iters, double *getppid_ns, double *read_ns) {
  volatile long sink = 0;
  double *ppid = malloc(sizeof(double) * batches), *rd = malloc(sizeof(double) * batches);
  size_t read_iters = iters / 4 + 1;
  if (getppid_call() <= 0) die("getppid"); /* allowed, not denied by the filter */
  for (size_t i = 0; i < iters; i++) sink += getppid_call(); /* warm-up */
  for (size_t i = 0; i < read_iters; i++) read_file();
  for (size_t b = 0; b < batches; b++) {
    uint64_t t0 = now_ns();
    for (size_t i = 0; i < iters; i++) sink += getppid_call();
    uint64_t t1 = now_ns();
    for (size_t i = 0; i < read_iters; i++) read_file();
    uint64_t t2 = now_ns();
    ppid[b] = (double)(t1 - t0) / (double)iters;
    rd[b] = (double)(t2 - t1) / (double)read_iters;
  }
  *getppid_ns = minimum(ppid, batches);
  *read_ns = minimum(rd, batches);
  free(ppid);
  free(rd);
  (void)sink;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: syscall <batches> <iterations> <file> [spec...]\n");
    return 2;
  }
  size_t batches = strtoul(argv[1], NULL, 10), iters = strtoul(argv[2], NULL, 10);
  file = argv[3];
  int nspecs = argc - 4;
  struct spec *specs = calloc(nspecs + 1, sizeof *specs);
  for (int i = 0; i < nspecs; i++) spec_read(argv[4 + i], &specs[i]);

  double before_ppid, before_read, after_ppid, after_read;
  measure(batches, iters, &before_ppid, &before_read);
  for (int i = 0; i < nspecs; i++) {
    scmp_filter_ctx ctx = build_filter(&specs[i]);
    check_rc(seccomp_load(ctx), "seccomp_load", "");
    seccomp_release(ctx);
  }
  measure(batches, iters, &after_ppid, &after_read);
  printf("{\"before\":{\"getppid\":%.2f,\"read\":%.2f},\"after\":{\"getppid\":%.2f,\"read\":%.2f}}\n", before_ppid,
         before_read, after_ppid, after_read);
  return 0;
}
