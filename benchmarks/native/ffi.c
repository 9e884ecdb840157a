/*
 * Native baseline for the FFI group: the same two libseccomp calls the JS runtimes make,
 * through function pointers the compiler cannot inline (an FFI call is an indirect call too).
 *   ffi <batches> <iterations>
 */
#define _GNU_SOURCE
#include "common.h"
#include <seccomp.h>

static unsigned (*volatile api_get)(void) = seccomp_api_get;
static int (*volatile resolve)(uint32_t, const char *) = seccomp_syscall_resolve_name_arch;

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: ffi <batches> <iterations>\n");
    return 2;
  }
  size_t batches = strtoul(argv[1], NULL, 10), iters = strtoul(argv[2], NULL, 10);
  volatile long sink = 0;
  double api_ns, resolve_ns;
  BATCH_MEDIAN(api_ns, batches, iters, sink += api_get());
  BATCH_MEDIAN(resolve_ns, batches, iters, sink += resolve(SCMP_ARCH_NATIVE, "openat"));
  (void)sink;
  printf("{\"apiGet\":%.3f,\"resolveName\":%.3f}\n", api_ns, resolve_ns);
  return 0;
}
