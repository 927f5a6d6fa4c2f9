#include "fma_peak.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum { ACCUMULATORS = 12 };

static double seconds_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#if defined(__x86_64__)
// Twelve chains of a·x + y: enough to cover the FMA latency (4 cycles) on two ports. The result
// is returned so the compiler cannot drop the loop; x < 1 keeps the values finite.
__attribute__((target("avx512f"))) static float loop_avx512(long iterations) {
    __m512 acc[ACCUMULATORS];
    for (int j = 0; j < ACCUMULATORS; j++) acc[j] = _mm512_set1_ps(0.001f * (float)j);
    const __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(0.0001f);
    for (long i = 0; i < iterations; i++) {
        for (int j = 0; j < ACCUMULATORS; j++) acc[j] = _mm512_fmadd_ps(acc[j], x, y);
    }
    __m512 sum = acc[0];
    for (int j = 1; j < ACCUMULATORS; j++) sum = _mm512_add_ps(sum, acc[j]);
    return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma"))) static float loop_avx2(long iterations) {
    __m256 acc[ACCUMULATORS];
    for (int j = 0; j < ACCUMULATORS; j++) acc[j] = _mm256_set1_ps(0.001f * (float)j);
    const __m256 x = _mm256_set1_ps(0.999f), y = _mm256_set1_ps(0.0001f);
    for (long i = 0; i < iterations; i++) {
        for (int j = 0; j < ACCUMULATORS; j++) acc[j] = _mm256_fmadd_ps(acc[j], x, y);
    }
    __m256 sum = acc[0];
    for (int j = 1; j < ACCUMULATORS; j++) sum = _mm256_add_ps(sum, acc[j]);
    float lanes[8];
    _mm256_storeu_ps(lanes, sum);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
}
#endif

typedef struct {
    float (*loop)(long);
    long iterations;
    pthread_barrier_t *start;
    volatile float result;
} worker;

static void *run_worker(void *argument) {
    worker *w = argument;
    pthread_barrier_wait(w->start);
    w->result = w->loop(w->iterations);
    return NULL;
}

// Seconds for `threads` threads to run `iterations` each, from a common start to the last end.
static double timed_run(float (*loop)(long), long iterations, int threads) {
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    worker *workers = calloc((size_t)threads, sizeof *workers);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    for (int t = 0; t < threads; t++) {
        workers[t] = (worker){.loop = loop, .iterations = iterations, .start = &start};
        pthread_create(&ids[t], NULL, run_worker, &workers[t]);
    }
    pthread_barrier_wait(&start);
    const double began = seconds_now();
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    const double elapsed = seconds_now() - began;
    pthread_barrier_destroy(&start);
    free(workers);
    free(ids);
    return elapsed;
}

double fma_peak(const char *level, int threads, int reps, double seconds) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    float (*loop)(long);
    int lanes;
    if (strcmp(level, "avx512") == 0 && __builtin_cpu_supports("avx512f")) {
        loop = loop_avx512;
        lanes = 16;
    } else if (strcmp(level, "avx2") == 0 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        loop = loop_avx2;
        lanes = 8;
    } else {
        return -1;
    }
    long iterations = 1 << 16;
    while (timed_run(loop, iterations, 1) < seconds / 4) iterations *= 2;
    iterations *= 4;
    double best = 0;
    for (int rep = 0; rep < reps; rep++) {
        const double elapsed = timed_run(loop, iterations, threads);
        const double flops = 2.0 * lanes * ACCUMULATORS * (double)iterations * threads;
        if (flops / elapsed * 1e-9 > best) best = flops / elapsed * 1e-9;
    }
    return best;
#else
    (void)level, (void)threads, (void)reps, (void)seconds;
    return -1;
#endif
}
