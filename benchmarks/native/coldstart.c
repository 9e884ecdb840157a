/*
 * Native baseline for the cold-start group: the steps lockdown() takes once it has its options,
 * in C, one sample per process. Two modes, each the C side of one of lockdown()'s paths:
 *   coldstart bpf <threads> <fds> <file>            lockdown({ bpf }): read the file compileLockdown()
 *                                                   wrote (the very bytes the runtime loads), split it
 *   coldstart libseccomp <threads> <fds> <spec>...  lockdown() through libseccomp: after the guards,
 *                                                   build each filter (spec.h) and export it into a
 *                                                   memory file, read back (libseccomp 2.5 has no
 *                                                   export to memory)
 * then the same steps in the SDK's order (core's lockdown/run.ts and guards.ts):
 *   guards   /proc/self/status has a Seccomp: line (Seccomp_filters: counted), prctl(PR_GET_SECCOMP),
 *            seccomp(SECCOMP_GET_ACTION_AVAIL) for each action the programs return (errno(ENOSYS),
 *            kill process, the denial errno(EPERM)), prctl(PR_SET_NO_NEW_PRIVS) read back
 *   bind     this process's id written over the placeholder the self-only comparisons hold
 *   scan     no fd in /proc/self/fd is an io_uring
 *   attach   seccomp(SECCOMP_SET_MODE_FILTER, TSYNC) for each program, in order
 *   verify   every /proc/<pid>/task/<tid>/status says Seccomp: 2 with every filter counted
 * A runtime's process has threads and fds that a bare C process lacks, and TSYNC, the fd scan
 * and the thread check all cost more with more of them: before any clock starts, the program
 * starts idle threads up to <threads> and opens /dev/null until /proc/self/fd lists <fds>
 * entries (the runner passes what the runtime's process had at lockdown()). Output: the phases
 * in nanoseconds, the threads verified, the fds scanned, the pid, and each attached program's hex
 * for the runner to compare with the checked programs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "spec.h"

#define MAX_FILTERS 2
#define NS(x) ((unsigned long long)(x))

/* core's lockdown/self.ts: the value the self-only rules compare with until lockdown() binds the pid. */
#define SELF_PID_PLACEHOLDER 0x5e1f5e1fu
#define JMP_JEQ_K (BPF_JMP | BPF_JEQ | BPF_K)
/* core's lockdown/container.ts: "SCLD", format version 2. */
#define CONTAINER_VERSION 2

struct program {
  struct sock_filter *insns;
  unsigned short len;
};

static struct program programs[MAX_FILTERS];
static int nprograms;

/* ---- what happens before the clock: the process's shape ---- */

static void *idle(void *unused) {
  (void)unused;
  for (;;) pause();
  return NULL;
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) die(dir);
  int n = 0;
  for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

static void shape_process(int threads, int fds) {
  for (int i = count_entries("/proc/self/task"); i < threads; i++) {
    pthread_t t;
    if (pthread_create(&t, NULL, idle, NULL)) die("pthread_create");
  }
  /* count_entries lists its own directory fd, as the SDK's scan does: the target counts it too. */
  for (int i = count_entries("/proc/self/fd"); i < fds; i++) {
    if (open("/dev/null", O_RDONLY | O_CLOEXEC) < 0) die("open /dev/null");
  }
  while (count_entries("/proc/self/task") < threads) usleep(100);
}

/* ---- the container (read and split: what decodeLockdownBpf does) ---- */

static uint8_t *read_file(const char *path, size_t *size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die(path);
  struct stat st;
  if (fstat(fd, &st) < 0) die("fstat");
  uint8_t *bytes = malloc((size_t)st.st_size);
  if (!bytes || read(fd, bytes, (size_t)st.st_size) != st.st_size) die("read");
  close(fd);
  *size = (size_t)st.st_size;
  return bytes;
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static void split_container(const uint8_t *bytes, size_t size) {
  if (size < 16 || memcmp(bytes, "SCLD", 4) || bytes[4] != CONTAINER_VERSION) die("not a compileLockdown() file");
  nprograms = bytes[5];
  if (nprograms < 1 || nprograms > MAX_FILTERS) die("program count");
  if (le32(bytes + 8) != seccomp_arch_native()) die("programs for another arch");
  size_t at = 12 + 4 * (size_t)nprograms + (size_t)(bytes[6] | bytes[7] << 8);
  for (int i = 0; i < nprograms; i++) {
    size_t len = le32(bytes + 12 + 4 * i);
    if (at + len * sizeof(struct sock_filter) > size) die("truncated program");
    programs[i].insns = malloc(len * sizeof(struct sock_filter));
    memcpy(programs[i].insns, bytes + at, len * sizeof(struct sock_filter));
    programs[i].len = (unsigned short)len;
    at += len * sizeof(struct sock_filter);
  }
  if (at != size) die("container lengths");
}

/* ---- the steps ---- */

static char status_buf[8192];

static const char *read_status(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  ssize_t n = read(fd, status_buf, sizeof status_buf - 1);
  close(fd);
  if (n <= 0) return NULL;
  status_buf[n] = 0;
  return status_buf;
}

/* The number after "\n<key>:", or -1 without that line. */
static long status_field(const char *text, const char *key) {
  char head[32];
  snprintf(head, sizeof head, "\n%s:", key);
  const char *at = strstr(text, head);
  return at ? strtol(at + strlen(head), NULL, 10) : -1;
}

static long guards(void) {
  const char *status = read_status("/proc/self/status");
  if (!status || status_field(status, "Seccomp") < 0) die("no Seccomp: line");
  long filters = status_field(status, "Seccomp_filters");
  if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) die("prctl(PR_GET_SECCOMP)");
  const uint32_t actions[] = {SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ERRNO};
  for (size_t i = 0; i < sizeof actions / sizeof *actions; i++) {
    if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &actions[i])) die("seccomp(SECCOMP_GET_ACTION_AVAIL)");
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) die("prctl(PR_SET_NO_NEW_PRIVS)");
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) die("NO_NEW_PRIVS did not stick");
  return filters;
}

static void bind_pid(pid_t pid) {
  for (int i = 0; i < nprograms; i++) {
    for (unsigned j = 0; j < programs[i].len; j++) {
      struct sock_filter *insn = &programs[i].insns[j];
      if (insn->k != SELF_PID_PLACEHOLDER) continue;
      if (insn->code != JMP_JEQ_K) die("placeholder outside a comparison");
      insn->k = (uint32_t)pid;
    }
  }
}

/* Returns the fds listed (its own directory's included, as in the SDK's scan). */
static int scan_io_uring(void) {
  DIR *d = opendir("/proc/self/fd");
  if (!d) die("/proc/self/fd");
  char link[64];
  int fds = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    fds++;
    ssize_t n = readlinkat(dirfd(d), e->d_name, link, sizeof link - 1);
    if (n < 0) continue; /* closed while listed */
    link[n] = 0;
    if (!strcmp(link, "anon_inode:[io_uring]")) die("an io_uring is open");
  }
  closedir(d);
  return fds;
}

static void attach_all(void) {
  for (int i = 0; i < nprograms; i++) {
    struct sock_fprog fprog = {.len = programs[i].len, .filter = programs[i].insns};
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fprog);
    if (rc > 0) {
      fprintf(stderr, "TSYNC failed on thread %ld\n", rc);
      exit(2);
    }
    if (rc < 0) die("seccomp(SECCOMP_SET_MODE_FILTER)");
  }
}

static int verify(pid_t pid, long filters_before) {
  char dir[64], path[352];
  snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
  DIR *d = opendir(dir);
  if (!d) die(dir);
  int threads = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s/status", dir, e->d_name);
    const char *status = read_status(path);
    if (!status) continue; /* exited while listed */
    long filters = status_field(status, "Seccomp_filters");
    if (status_field(status, "Seccomp") != 2 || (filters_before >= 0 && filters < filters_before + nprograms)) {
      fprintf(stderr, "thread %s is not fully filtered\n", e->d_name);
      exit(2);
    }
    threads++;
  }
  closedir(d);
  if (!threads) die("no threads listed");
  return threads;
}

/* ---- the two modes ---- */

/* seccomp_export_bpf into a fresh memory file, read back into the program list. */
static void export_program(scmp_filter_ctx ctx, struct program *out) {
  int fd = memfd_create("seccomp-export", MFD_CLOEXEC);
  if (fd < 0) die("memfd_create");
  check_rc(seccomp_export_bpf(ctx, fd), "seccomp_export_bpf", "");
  off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0 || lseek(fd, 0, SEEK_SET) < 0) die("lseek");
  out->insns = malloc((size_t)size);
  if (!out->insns || read(fd, out->insns, (size_t)size) != size) die("read");
  out->len = (unsigned short)((size_t)size / sizeof(struct sock_filter));
  close(fd);
}

static void print_result(uint64_t phases[], const char *const names[], int n, int threads, int fds, pid_t pid) {
  printf("{");
  uint64_t total = 0;
  for (int i = 0; i < n; i++) {
    printf("\"%s\":%llu,", names[i], NS(phases[i]));
    if (strcmp(names[i], "read")) total += phases[i]; /* reading the file is not lockdown()'s */
  }
  printf("\"total\":%llu,\"threads\":%d,\"fds\":%d,\"pid\":%d,\"programs\":[", NS(total), threads, fds, (int)pid);
  for (int i = 0; i < nprograms; i++) {
    printf("%s\"", i ? "," : "");
    const uint8_t *bytes = (const uint8_t *)programs[i].insns;
    for (size_t j = 0; j < programs[i].len * sizeof(struct sock_filter); j++) printf("%02x", bytes[j]);
    printf("\"");
  }
  printf("]}\n");
}

static int bpf_sample(const char *path) {
  uint64_t t0 = now_ns();
  size_t size;
  uint8_t *bytes = read_file(path, &size);
  uint64_t t1 = now_ns();
  split_container(bytes, size);
  uint64_t t2 = now_ns();
  long before = guards();
  uint64_t t3 = now_ns();
  pid_t pid = getpid();
  bind_pid(pid);
  uint64_t t4 = now_ns();
  int fds = scan_io_uring();
  uint64_t t5 = now_ns();
  attach_all();
  uint64_t t6 = now_ns();
  int threads = verify(pid, before);
  uint64_t t7 = now_ns();
  const char *const names[] = {"read", "decode", "guards", "bind", "scan", "attach", "verify"};
  uint64_t phases[] = {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t7 - t6};
  print_result(phases, names, 7, threads, fds, pid);
  free(bytes);
  return 0;
}

static int libseccomp_sample(int n, char **paths) {
  struct spec s[MAX_FILTERS];
  for (int i = 0; i < n; i++) spec_read(paths[i], &s[i]);
  nprograms = n;
  uint64_t t0 = now_ns();
  long before = guards();
  uint64_t t1 = now_ns();
  uint64_t build = 0, gen = 0, release = 0;
  for (int i = 0; i < n; i++) {
    uint64_t a = now_ns();
    scmp_filter_ctx ctx = build_filter(&s[i]);
    uint64_t b = now_ns();
    export_program(ctx, &programs[i]);
    uint64_t c = now_ns();
    seccomp_release(ctx);
    build += b - a, gen += c - b, release += now_ns() - c;
  }
  uint64_t t2 = now_ns();
  pid_t pid = getpid();
  bind_pid(pid);
  uint64_t t3 = now_ns();
  int fds = scan_io_uring();
  uint64_t t4 = now_ns();
  attach_all();
  uint64_t t5 = now_ns();
  int threads = verify(pid, before);
  uint64_t t6 = now_ns();
  const char *const names[] = {"guards", "build", "gen", "release", "bind", "scan", "attach", "verify"};
  uint64_t phases[] = {t1 - t0, build, gen, release, t3 - t2, t4 - t3, t5 - t4, t6 - t5};
  print_result(phases, names, 8, threads, fds, pid);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 5) {
    int threads = atoi(argv[2]), fds = atoi(argv[3]);
    int n = argc - 4;
    if (!strcmp(argv[1], "bpf") && n == 1) {
      shape_process(threads, fds);
      return bpf_sample(argv[4]);
    }
    if (!strcmp(argv[1], "libseccomp") && n <= MAX_FILTERS) {
      shape_process(threads, fds);
      return libseccomp_sample(n, argv + 4);
    }
  }
  fprintf(stderr, "usage: coldstart bpf <threads> <fds> <file> | coldstart libseccomp <threads> <fds> <spec>...\n");
  return 2;
}
