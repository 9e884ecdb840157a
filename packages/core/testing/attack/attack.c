/*
 * Attacks that need machine code or must not return into the JavaScript runtime: the
 * lockdown suite compiles this into a shared library (gcc -shared -fPIC) and calls it
 * through the runtime's FFI. Every function returns the syscall's result, or -errno.
 *
 * Where a call would create a process, the new process does nothing but _exit(0), using the
 * raw syscall only, so no runtime code ever runs twice; the caller reaps it. Where a call
 * would replace the process (execve), it runs /bin/echo with a marker the parent looks for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long result(long rc) { return rc == -1 ? -errno : rc; }

/* The new process's only job: exit at once, without libc or the runtime. */
static void child_exit(void) { syscall(SYS_exit, 0); }

/* Runtimes mark stdio close-on-exec; the program that replaces the process writes to it. */
static void keep_stdio(void) {
  for (int fd = 0; fd <= 2; fd++) fcntl(fd, F_SETFD, 0);
}

static long reap(long pid) {
  if (pid > 0) waitpid((pid_t)pid, NULL, __WALL);
  return pid;
}

long attack_execve(void) {
  char *const argv[] = {"echo", "ATTACK-EXECVE", NULL};
  keep_stdio();
  return result(syscall(SYS_execve, "/bin/echo", argv, NULL));
}

long attack_execveat(void) {
  char *const argv[] = {"echo", "ATTACK-EXECVEAT", NULL};
  keep_stdio();
  return result(syscall(SYS_execveat, AT_FDCWD, "/bin/echo", argv, NULL, 0));
}

/* aarch64 has no fork syscall (libc forks with clone): the suite skips this attack there. */
long attack_fork(void) {
#ifdef SYS_fork
  long pid = syscall(SYS_fork);
  if (pid == 0) child_exit();
  return reap(result(pid));
#else
  return -ENOSYS;
#endif
}

/* clone(2) as fork: SIGCHLD, no CLONE_THREAD, no new stack (the child gets a copy). */
long attack_clone_process(void) {
  long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) child_exit();
  return reap(result(pid));
}

/* struct clone_args, version 0 (64 bytes): only exit_signal is set, as fork would. */
long attack_clone3_process(void) {
  uint64_t args[8] = {0};
  args[4] = SIGCHLD;
  long pid = syscall(SYS_clone3, args, sizeof args);
  if (pid == 0) child_exit();
  return reap(result(pid));
}

#if defined(__x86_64__)
/*
 * vfork shares the caller's memory and stack until the child exits, so the child may not
 * return through any C frame: the whole sequence stays in registers.
 */
long attack_vfork(void) {
  long ret;
  __asm__ volatile(
      "mov $58, %%eax\n\t"  /* __NR_vfork */
      "syscall\n\t"
      "test %%rax, %%rax\n\t"
      "jnz 1f\n\t"
      "mov $60, %%eax\n\t"  /* __NR_exit: the child leaves at once */
      "xor %%edi, %%edi\n\t"
      "syscall\n\t"
      "1:\n\t"
      : "=a"(ret)
      :
      : "rcx", "r11", "rdi", "memory");
  return reap(ret);
}

/*
 * The i386 entry point from a 64-bit process: int 0x80 takes 32-bit pointers, so the path
 * and argv live in memory mapped below 4 GiB. i386 execve is 11, getpid 20.
 */
static long int80(long nr, uint32_t a, uint32_t b, uint32_t c) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "r8", "r9", "r10", "r11", "memory");
  return ret;
}

long attack_int80_getpid(void) { return int80(20, 0, 0, 0); }

long attack_int80_execve(void) {
  char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED) return -errno;
  strcpy(low, "/bin/echo");
  strcpy(low + 64, "echo");
  strcpy(low + 128, "ATTACK-INT80");
  uint32_t *argv = (uint32_t *)(low + 256);
  argv[0] = (uint32_t)(uintptr_t)(low + 64);
  argv[1] = (uint32_t)(uintptr_t)(low + 128);
  argv[2] = 0;
  keep_stdio();
  return int80(11, (uint32_t)(uintptr_t)low, (uint32_t)(uintptr_t)argv, 0);
}

/* An x32 syscall: x86_64's getpid (39) with __X32_SYSCALL_BIT. */
long attack_x32_getpid(void) { return result(syscall(39 | 0x40000000)); }
#else
/* The x86-only attacks exist on every arch, so one symbol list binds everywhere; the suite skips them. */
long attack_vfork(void) { return -ENOSYS; }
long attack_int80_getpid(void) { return -ENOSYS; }
long attack_int80_execve(void) { return -ENOSYS; }
long attack_x32_getpid(void) { return -ENOSYS; }
#endif
