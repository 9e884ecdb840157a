/*
 * The arm32 (compat) entry point of an aarch64 kernel: compat.mjs builds this as a static
 * armhf program with arm-linux-gnueabihf-gcc and runs it under filters loaded by a 64-bit
 * Node process. Its getpid is arm's number 20, not aarch64's 172, under AUDIT_ARCH_ARM.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  long ret = syscall(SYS_getpid);
  printf("ARM32 getpid=%ld errno=%d\n", ret, ret == -1 ? errno : 0);
  return 0;
}
