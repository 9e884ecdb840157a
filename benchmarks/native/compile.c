/*
 * Native baseline for the compile group: a profile to BPF bytes in memory, nothing loaded.
 * One sample per process, like the JS side:
 *   compile time <spec>     build (spec.h's build_filter: the SDK's libseccomp calls), generate
 *                           (seccomp_export_bpf into a memory file, read back into a buffer:
 *                           what the SDK's exportBpf does on libseccomp 2.5, which has no
 *                           seccomp_export_bpf_mem), release; then all three once more (warm)
 *   compile export <spec>   write the generated program to stdout, for the check before timing
 * Times are nanoseconds. Parsing the spec happens before any clock starts.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>
#include "spec.h"

#define NS(x) ((unsigned long long)(x))

/* seccomp_export_bpf into a fresh memory file, read back whole; returns the byte count. */
static size_t generate(scmp_filter_ctx ctx, uint8_t **out) {
  int fd = memfd_create("seccomp-export", MFD_CLOEXEC);
  if (fd < 0) die("memfd_create");
  check_rc(seccomp_export_bpf(ctx, fd), "seccomp_export_bpf", "");
  off_t size = lseek(fd, 0, SEEK_END);
  if (size < 0 || lseek(fd, 0, SEEK_SET) < 0) die("lseek");
  *out = malloc((size_t)size);
  if (!*out) die("malloc");
  for (off_t done = 0; done < size;) {
    ssize_t n = read(fd, *out + done, (size_t)(size - done));
    if (n <= 0) die("read");
    done += n;
  }
  close(fd);
  return (size_t)size;
}

struct phases {
  uint64_t build, gen, release;
  uint8_t *program;
  size_t bytes;
};

static struct phases compile_once(const struct spec *s) {
  struct phases p;
  uint64_t t0 = now_ns();
  scmp_filter_ctx ctx = build_filter(s);
  uint64_t t1 = now_ns();
  p.bytes = generate(ctx, &p.program);
  uint64_t t2 = now_ns();
  seccomp_release(ctx);
  uint64_t t3 = now_ns();
  p.build = t1 - t0, p.gen = t2 - t1, p.release = t3 - t2;
  return p;
}

/* One sample; the program's hex goes with it, so the runner can compare it with the checked bytes. */
static int time_sample(const char *path) {
  struct spec s;
  spec_read(path, &s);
  struct phases cold = compile_once(&s);
  struct phases warm = compile_once(&s);
  printf("{\"build\":%llu,\"gen\":%llu,\"release\":%llu,\"buildWarm\":%llu,\"genWarm\":%llu,\"releaseWarm\":%llu,\"hex\":\"",
         NS(cold.build), NS(cold.gen), NS(cold.release), NS(warm.build), NS(warm.gen), NS(warm.release));
  for (size_t i = 0; i < cold.bytes; i++) printf("%02x", cold.program[i]);
  printf("\"}\n");
  free(cold.program);
  free(warm.program);
  return 0;
}

static int export_program(const char *path) {
  struct spec s;
  spec_read(path, &s);
  scmp_filter_ctx ctx = build_filter(&s);
  uint8_t *program = NULL;
  size_t bytes = generate(ctx, &program);
  seccomp_release(ctx);
  if (fwrite(program, 1, bytes, stdout) != bytes) die("fwrite");
  free(program);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "time")) return time_sample(argv[2]);
  if (argc == 3 && !strcmp(argv[1], "export")) return export_program(argv[2]);
  fprintf(stderr, "usage: compile time|export <spec>\n");
  return 2;
}
