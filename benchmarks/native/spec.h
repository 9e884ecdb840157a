/*
 * Reads the filter spec the benchmark runner writes for the C baseline and replays it
 * through libseccomp with the same calls, in the same order, as the SDK's buildFilter:
 * init, attributes, arches, then (priority,) rule per syscall. Parsing happens before any
 * clock starts; build_filter() is the timed part. The runner checks that the BPF this
 * produces is byte-identical to the SDK's before it times anything.
 *
 * One directive per line, numbers in decimal:
 *   default <action>            seccomp_init
 *   attr <id> <value>           seccomp_attr_set
 *   arch-add <token> / arch-remove <token>
 *   priority <syscall> <nr> <0-255>                               seccomp_syscall_priority
 *   rule <action> <syscall> <nr> <n> [<arg> <op> <a> <b>]{n}      seccomp_rule_add_array
 *   exact <action> <syscall> <nr> <n> [...]                        seccomp_rule_add_exact_array
 * A syscall is resolved by name with libseccomp, as the SDK does; <nr> is the number from the
 * SDK's own table, used (again as the SDK does) when this libseccomp does not know the name.
 */
#ifndef BENCH_SPEC_H
#define BENCH_SPEC_H

#include <seccomp.h>
#include "common.h"

enum op_kind { OP_ATTR, OP_ARCH_ADD, OP_ARCH_REMOVE, OP_PRIORITY, OP_RULE, OP_EXACT };

struct op {
  enum op_kind kind;
  uint32_t a, b; /* attr id/value, arch token, action, priority */
  char name[48];
  int fallback_nr;
  unsigned ncmp;
  struct scmp_arg_cmp cmp[6];
};

struct spec {
  uint32_t default_action;
  size_t count;
  struct op *ops;
};

static inline void spec_read(const char *path, struct spec *out) {
  FILE *f = fopen(path, "r");
  if (!f) die(path);
  size_t cap = 64;
  out->ops = malloc(cap * sizeof *out->ops);
  out->count = 0;
  char word[32];
  while (fscanf(f, "%31s", word) == 1) {
    if (!strcmp(word, "default")) {
      if (fscanf(f, "%u", &out->default_action) != 1) die("spec: default");
      continue;
    }
    if (out->count == cap) out->ops = realloc(out->ops, (cap *= 2) * sizeof *out->ops);
    struct op *op = &out->ops[out->count++];
    memset(op, 0, sizeof *op);
    int ok;
    if (!strcmp(word, "attr")) {
      op->kind = OP_ATTR;
      ok = fscanf(f, "%u %u", &op->a, &op->b) == 2;
    } else if (!strcmp(word, "arch-add") || !strcmp(word, "arch-remove")) {
      op->kind = word[5] == 'a' ? OP_ARCH_ADD : OP_ARCH_REMOVE;
      ok = fscanf(f, "%u", &op->a) == 1;
    } else if (!strcmp(word, "priority")) {
      op->kind = OP_PRIORITY;
      ok = fscanf(f, "%47s %d %u", op->name, &op->fallback_nr, &op->b) == 3;
    } else if (!strcmp(word, "rule") || !strcmp(word, "exact")) {
      op->kind = word[0] == 'r' ? OP_RULE : OP_EXACT;
      ok = fscanf(f, "%u %47s %d %u", &op->a, op->name, &op->fallback_nr, &op->ncmp) == 4 && op->ncmp <= 6;
      for (unsigned i = 0; ok && i < op->ncmp; i++) {
        unsigned arg, cmp;
        unsigned long long a, b;
        ok = fscanf(f, "%u %u %llu %llu", &arg, &cmp, &a, &b) == 4;
        op->cmp[i] = (struct scmp_arg_cmp){arg, (enum scmp_compare)cmp, a, b};
      }
    } else {
      ok = 0;
    }
    if (!ok) {
      fprintf(stderr, "spec %s: bad directive %s\n", path, word);
      exit(2);
    }
  }
  fclose(f);
}

static inline void check_rc(int rc, const char *what, const char *name) {
  if (rc < 0) {
    fprintf(stderr, "%s(%s): %s\n", what, name, strerror(-rc));
    exit(2);
  }
}

static inline int resolve(const struct op *op) {
  int nr = seccomp_syscall_resolve_name(op->name);
  if (nr == __NR_SCMP_ERROR) nr = op->fallback_nr;
  if (nr == __NR_SCMP_ERROR) check_rc(-EINVAL, "seccomp_syscall_resolve_name", op->name);
  return nr;
}

/* The timed part: every libseccomp call the SDK makes for the same profile. */
static inline scmp_filter_ctx build_filter(const struct spec *s) {
  scmp_filter_ctx ctx = seccomp_init(s->default_action);
  if (!ctx) die("seccomp_init");
  for (size_t i = 0; i < s->count; i++) {
    const struct op *op = &s->ops[i];
    switch (op->kind) {
      case OP_ATTR: check_rc(seccomp_attr_set(ctx, op->a, op->b), "seccomp_attr_set", ""); break;
      case OP_ARCH_ADD: check_rc(seccomp_arch_add(ctx, op->a), "seccomp_arch_add", ""); break;
      case OP_ARCH_REMOVE: check_rc(seccomp_arch_remove(ctx, op->a), "seccomp_arch_remove", ""); break;
      case OP_PRIORITY:
        check_rc(seccomp_syscall_priority(ctx, resolve(op), op->b), "seccomp_syscall_priority", op->name);
        break;
      case OP_RULE:
      case OP_EXACT: {
        int nr = resolve(op);
        int rc = op->kind == OP_RULE ? seccomp_rule_add_array(ctx, op->a, nr, op->ncmp, op->cmp)
                                     : seccomp_rule_add_exact_array(ctx, op->a, nr, op->ncmp, op->cmp);
        check_rc(rc, "seccomp_rule_add", op->name);
        break;
      }
    }
  }
  return ctx;
}

#endif
