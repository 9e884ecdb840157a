/*
 * Helpers shared by the native baselines: a monotonic clock in nanoseconds, medians, and
 * the batch-median timer the syscall and FFI baselines use (the same statistic the JS side
 * reads from mitata: the median time per call over many timed batches).
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static inline double median(double *values, size_t n) {
  qsort(values, n, sizeof *values, cmp_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static inline double minimum(const double *values, size_t n) {
  double m = n ? values[0] : 0;
  for (size_t i = 1; i < n; i++) m = values[i] < m ? values[i] : m;
  return m;
}

/* Batches of `iters` calls; returns the median nanoseconds per call over `batches` batches. */
#define BATCH_MEDIAN(result, batches, iters, body)                  \
  do {                                                              \
    double *per_call_ = malloc(sizeof(double) * (batches));         \
    for (size_t w_ = 0; w_ < (iters); w_++) { body; } /* warm-up */ \
    for (size_t b_ = 0; b_ < (batches); b_++) {                     \
      uint64_t t0_ = now_ns();                                      \
      for (size_t i_ = 0; i_ < (iters); i_++) { body; }             \
      per_call_[b_] = (double)(now_ns() - t0_) / (double)(iters);   \
    }                                                               \
    (result) = median(per_call_, (batches));                        \
    free(per_call_);                                                \
  } while (0)

static inline void die(const char *what) {
  perror(what);
  exit(2);
}

#endif
