/*
 * Native baseline for the load-cost group. One sample per process, like the JS side:
 *   load libseccomp <spec>  build, generate (export to a memory file) and load; prints ns
 *   load bpf <file>         read a precompiled program and attach it with seccomp(2)
 *   load export <spec>      writes the BPF libseccomp generates to stdout (nothing loaded)
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

static int libseccomp_sample(const char *spec_path) {
  struct spec s;
  spec_read(spec_path, &s);
  int fd = memfd_create("bpf", MFD_CLOEXEC);
  if (fd < 0) die("memfd_create");

  uint64_t t0 = now_ns();
  scmp_filter_ctx ctx = build_filter(&s);
  uint64_t t1 = now_ns();
  check_rc(seccomp_export_bpf(ctx, fd), "seccomp_export_bpf", "");
  uint64_t t2 = now_ns();
  check_rc(seccomp_load(ctx), "seccomp_load", "");
  uint64_t t3 = now_ns();
  seccomp_release(ctx);
  /* The same build and generation again, warm, as the JS samples do. */
  uint64_t t4 = now_ns();
  ctx = build_filter(&s);
  uint64_t t5 = now_ns();
  check_rc(seccomp_export_bpf(ctx, fd), "seccomp_export_bpf", "");
  uint64_t t6 = now_ns();
  seccomp_release(ctx);

  printf("{\"build\":%llu,\"gen\":%llu,\"load\":%llu,\"buildWarm\":%llu,\"genWarm\":%llu}\n",
         (unsigned long long)(t1 - t0), (unsigned long long)(t2 - t1), (unsigned long long)(t3 - t2),
         (unsigned long long)(t5 - t4), (unsigned long long)(t6 - t5));
  return 0;
}

static int bpf_sample(const char *path) {
  uint64_t t0 = now_ns();
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) die(path);
  struct sock_filter *program = malloc(st.st_size);
  if (read(fd, program, st.st_size) != st.st_size) die("read");
  close(fd);
  uint64_t t1 = now_ns();
  struct sock_fprog fprog = {.len = (unsigned short)(st.st_size / sizeof *program), .filter = program};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) die("prctl(PR_SET_NO_NEW_PRIVS)");
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fprog)) die("seccomp");
  uint64_t t2 = now_ns();
  /* A second copy, as the JS samples do (it stacks on the first). */
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) die("prctl(PR_SET_NO_NEW_PRIVS)");
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fprog)) die("seccomp");
  uint64_t t3 = now_ns();
  printf("{\"read\":%llu,\"attach\":%llu,\"attachWarm\":%llu}\n", (unsigned long long)(t1 - t0),
         (unsigned long long)(t2 - t1), (unsigned long long)(t3 - t2));
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
  if (argc == 3 && !strcmp(argv[1], "libseccomp")) return libseccomp_sample(argv[2]);
  if (argc == 3 && !strcmp(argv[1], "bpf")) return bpf_sample(argv[2]);
  if (argc == 3 && !strcmp(argv[1], "export")) return export_bpf(argv[2]);
  fprintf(stderr, "usage: load libseccomp|bpf|export <file>\n");
  return 2;
}
