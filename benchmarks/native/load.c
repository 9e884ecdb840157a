/*
 * Native baseline for the load-cost group. One sample per process, like the JS side; each
 * mode takes one or more filters, loaded in order (lockdown installs two):
 *   load libseccomp <spec>...  build, generate (export to a memory file) and seccomp_load each;
 *                              then build and generate once more (warm), as the JS samples do
 *   load compile <spec>...     lockdown()'s pipeline: build, export, then attach the exported
 *                              program with seccomp(2) and TSYNC (no second generation)
 *   load bpf <file>...         read precompiled programs and attach them with seccomp(2), then
 *                              attach the first once more (warm)
 *   load export <spec>         write the BPF libseccomp generates to stdout (nothing loaded)
 * Times are nanoseconds, summed over the filters.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "spec.h"

#define MAX_FILTERS 8
#define NS(x) ((unsigned long long)(x))

struct program {
  struct sock_fprog fprog;
  size_t bytes;
};

static void attach(const struct program *p) {
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &p->fprog)) die("seccomp");
}

/* Reads a whole BPF program from fd (from its start). */
static struct program read_program(int fd) {
  struct stat st;
  if (fstat(fd, &st) < 0) die("fstat");
  struct program p = {.bytes = (size_t)st.st_size};
  p.fprog.filter = malloc(p.bytes);
  if (pread(fd, p.fprog.filter, p.bytes, 0) != (ssize_t)p.bytes) die("pread");
  p.fprog.len = (unsigned short)(p.bytes / sizeof(struct sock_filter));
  return p;
}

static int libseccomp_sample(int n, char **paths) {
  struct spec s[MAX_FILTERS];
  for (int i = 0; i < n; i++) spec_read(paths[i], &s[i]);
  int fd = memfd_create("bpf", MFD_CLOEXEC);
  if (fd < 0) die("memfd_create");
  uint64_t build = 0, gen = 0, load = 0, build_warm = 0, gen_warm = 0;
  for (int i = 0; i < n; i++) {
    uint64_t t0 = now_ns();
    scmp_filter_ctx ctx = build_filter(&s[i]);
    uint64_t t1 = now_ns();
    check_rc(seccomp_export_bpf(ctx, fd), "seccomp_export_bpf", "");
    uint64_t t2 = now_ns();
    check_rc(seccomp_load(ctx), "seccomp_load", "");
    uint64_t t3 = now_ns();
    seccomp_release(ctx);
    build += t1 - t0, gen += t2 - t1, load += t3 - t2;
  }
  for (int i = 0; i < n; i++) {
    uint64_t t0 = now_ns();
    scmp_filter_ctx ctx = build_filter(&s[i]);
    uint64_t t1 = now_ns();
    check_rc(seccomp_export_bpf(ctx, fd), "seccomp_export_bpf", "");
    uint64_t t2 = now_ns();
    seccomp_release(ctx);
    build_warm += t1 - t0, gen_warm += t2 - t1;
  }
  printf("{\"build\":%llu,\"gen\":%llu,\"load\":%llu,\"buildWarm\":%llu,\"genWarm\":%llu}\n", NS(build), NS(gen), NS(load),
         NS(build_warm), NS(gen_warm));
  return 0;
}

static int compile_sample(int n, char **paths) {
  struct spec s[MAX_FILTERS];
  for (int i = 0; i < n; i++) spec_read(paths[i], &s[i]);
  uint64_t build = 0, gen = 0, attached = 0;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) die("prctl(PR_SET_NO_NEW_PRIVS)");
  struct program programs[MAX_FILTERS];
  for (int i = 0; i < n; i++) {
    int fd = memfd_create("bpf", MFD_CLOEXEC);
    if (fd < 0) die("memfd_create");
    uint64_t t0 = now_ns();
    scmp_filter_ctx ctx = build_filter(&s[i]);
    uint64_t t1 = now_ns();
    check_rc(seccomp_export_bpf(ctx, fd), "seccomp_export_bpf", "");
    programs[i] = read_program(fd);
    uint64_t t2 = now_ns();
    seccomp_release(ctx);
    close(fd);
    build += t1 - t0, gen += t2 - t1;
  }
  uint64_t t3 = now_ns();
  for (int i = 0; i < n; i++) attach(&programs[i]);
  attached = now_ns() - t3;
  printf("{\"build\":%llu,\"gen\":%llu,\"attach\":%llu}\n", NS(build), NS(gen), NS(attached));
  return 0;
}

static int bpf_sample(int n, char **paths) {
  struct program programs[MAX_FILTERS];
  uint64_t t0 = now_ns();
  for (int i = 0; i < n; i++) {
    int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0) die(paths[i]);
    programs[i] = read_program(fd);
    close(fd);
  }
  uint64_t t1 = now_ns();
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) die("prctl(PR_SET_NO_NEW_PRIVS)");
  for (int i = 0; i < n; i++) attach(&programs[i]);
  uint64_t t2 = now_ns();
  attach(&programs[0]); /* a second copy of the first, as the JS samples do (it stacks) */
  uint64_t t3 = now_ns();
  printf("{\"read\":%llu,\"attach\":%llu,\"attachWarm\":%llu}\n", NS(t1 - t0), NS(t2 - t1), NS(t3 - t2));
  return 0;
}

static int export_bpf(const char *spec_path) {
  struct spec s;
  spec_read(spec_path, &s);
  scmp_filter_ctx ctx = build_filter(&s);
  check_rc(seccomp_export_bpf(ctx, STDOUT_FILENO), "seccomp_export_bpf", "");
  seccomp_release(ctx);
  return 0;
}

int main(int argc, char **argv) {
  int n = argc - 2;
  if (argc >= 3 && n <= MAX_FILTERS) {
    if (!strcmp(argv[1], "libseccomp")) return libseccomp_sample(n, argv + 2);
    if (!strcmp(argv[1], "compile")) return compile_sample(n, argv + 2);
    if (!strcmp(argv[1], "bpf")) return bpf_sample(n, argv + 2);
    if (!strcmp(argv[1], "export") && n == 1) return export_bpf(argv[2]);
  }
  fprintf(stderr, "usage: load libseccomp|compile|bpf <file>... | load export <spec>\n");
  return 2;
}
