// Single-threaded throughput of ck_sgemm on one thread's products in an MLP training step
// (784-256-128-10, batch 64, two threads), on a large square product and on one picture's
// products through the shipped network, at every kernel level this CPU runs, each as a
// fraction of one thread's FMA peak at that level (fma_peak.c). With
// `peak THREADS` it prints the peak of the CPU's own level on 1 and on THREADS threads instead.
// See README.md for how to build it.
#include "CKernels.h"
#include "fma_peak.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef CK_BENCH_CBLAS
#include <cblas.h>
void openblas_set_num_threads(int);
#endif

typedef void (*product_fn)(bool transA, bool transB, int m, int n, int k, const float *a, int lda, const float *b,
                           int ldb, float beta, float *c, int ldc);

#ifdef CK_BENCH_CBLAS
// The same product through the system BLAS, for comparison.
static void cblas_product(bool transA, bool transB, int m, int n, int k, const float *a, int lda, const float *b,
                          int ldb, float beta, float *c, int ldc) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k, 1.0f,
                a, lda, b, ldb, beta, c, ldc);
}
#endif

typedef struct {
    const char *name;
    bool transA, transB;
    int m, n, k;
    /// Row strides when they are wider than the rows (0: as wide as the rows).
    int lda, ldb, ldc;
} shape;

// One thread's products in a training step on two threads (batch 64): each hidden layer for
// the whole batch on the thread's column panel of W (half its columns), the output layer on its
// 32-row half of the batch, the weight gradients of its share of the parameters from all 64 rows,
// and its term of each hidden layer's input gradient (its columns of dL/dZ times its panel of
// Wᵀ); then the same for the wide workload's middle layer.
static const shape shapes[] = {
    {"forward  64x784 * 784x128  ", false, false, 64, 128, 784},
    {"forward   64x256 * 256x64  ", false, false, 64, 64, 256, .ldc = 128},
    {"forward  32x128 * 128x10   ", false, false, 32, 10, 128},
    {"dW     (64x784)T * 64x128  ", true, false, 784, 128, 64, .ldb = 256},
    {"dW      (64x256)T * 64x64  ", true, false, 256, 64, 64, .ldb = 128},
    {"dW      (64x64)T * 64x10   ", true, false, 64, 10, 64, .lda = 128},
    {"dI    64x64 * (256x64)T    ", false, true, 64, 256, 64, .lda = 128},
    {"dI    32x10 * (128x10)T    ", false, true, 32, 128, 10},
    // The wide workload's middle layer (784-1024-1024-10): forward and input-gradient term on
    // the thread's 512-column panel, and one 128-row block of its weight gradient, with the
    // activations' and gradients' rows 1040 floats apart as the engine stores them.
    {"forward 64x1024 * 1024x512 ", false, false, 64, 512, 1024, .lda = 1040, .ldc = 1040},
    {"dI  64x512 * (1024x512)T   ", false, true, 64, 1024, 512, .lda = 1040, .ldc = 1040},
    {"dW  (64x128)T * 64x512     ", true, false, 128, 512, 64, .lda = 1040, .ldb = 1040},
    {"square   1024^3            ", false, false, 1024, 1024, 1024},
    // One picture through the shipped 784-1024-512-10 network, as `digits classify` runs it:
    // one row by each wide layer's weights, which are streamed once instead of packed.
    {"one row  1x784 * 784x1024  ", false, false, 1, 1024, 784},
    {"one row 1x1024 * 1024x512  ", false, false, 1, 512, 1024},
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static float *random_floats(size_t count, unsigned *state) {
    float *v = aligned_alloc(64, ((count * sizeof(float)) + 63) / 64 * 64 + 64);
    for (size_t i = 0; i < count; i++) {
        *state = *state * 1664525u + 1013904223u;
        v[i] = (float)(*state >> 8) / 16777216.0f - 0.5f;
    }
    return v;
}

// Returns the best GFLOP/s over `reps` timed runs of ~`seconds` each, or -1 on a wrong result.
static double measure(product_fn product, const shape *s, int reps, double seconds) {
    unsigned state = 12345;
    const int lda = s->lda ? s->lda : s->transA ? s->m : s->k;
    const int ldb = s->ldb ? s->ldb : s->transB ? s->k : s->n;
    const int ldc = s->ldc ? s->ldc : s->n;
    float *a = random_floats((size_t)lda * (s->transA ? s->k : s->m), &state);
    float *b = random_floats((size_t)ldb * (s->transB ? s->n : s->k), &state);
    float *c = random_floats((size_t)ldc * s->m, &state);
    float *ref = random_floats((size_t)ldc * s->m, &state);

    product(s->transA, s->transB, s->m, s->n, s->k, a, lda, b, ldb, 0, c, ldc);
    ck_sgemm_reference(s->transA, s->transB, s->m, s->n, s->k, a, lda, b, ldb, 0, ref, ldc);
    double worst = 0;
    for (int r = 0; r < s->m; r++) {
        for (int j = 0; j < s->n; j++) {
            const size_t i = (size_t)r * ldc + j;
            worst = fmax(worst, fabs((double)c[i] - ref[i]));
        }
    }
    if (worst > 1e-3 * s->k) {
        fprintf(stderr, "%s: wrong result (max error %g)\n", s->name, worst);
        return -1;
    }

    const double flops = 2.0 * s->m * s->n * s->k;
    // Calibrate the number of calls per run.
    int calls = 1;
    for (;;) {
        const double t0 = now();
        for (int i = 0; i < calls; i++) product(s->transA, s->transB, s->m, s->n, s->k, a, lda, b, ldb, 0, c, ldc);
        if (now() - t0 > seconds / 4 || calls > (1 << 24)) break;
        calls *= 2;
    }
    calls *= 4;
    double best = 0;
    for (int rep = 0; rep < reps; rep++) {
        const double t0 = now();
        for (int i = 0; i < calls; i++) product(s->transA, s->transB, s->m, s->n, s->k, a, lda, b, ldb, 0, c, ldc);
        const double elapsed = now() - t0;
        best = fmax(best, flops * calls / elapsed * 1e-9);
    }
    free(a);
    free(b);
    free(c);
    free(ref);
    return best;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "peak") == 0) {
        // The level the engine runs at on this CPU, as the training workloads use it.
        const char *level = ck_kernel_level();
        const int threads = atoi(argv[2]);
        printf("peak %s 1 %.1f\n", level, fma_peak(level, 1, 5, 0.2));
        printf("peak %s %d %.1f\n", level, threads, fma_peak(level, threads, 5, 0.2));
        return 0;
    }
    const char *only = argc > 1 ? argv[1] : NULL;
    const int reps = argc > 2 ? atoi(argv[2]) : 20;
    // A third argument overrides the CPU's choice of reading B in place or packing it.
    const char *reading = argc > 3 ? argv[3] : "auto";
    if (strcmp(reading, "in-place") == 0 || strcmp(reading, "packed") == 0) {
        ck_force_reading_in_place(strcmp(reading, "in-place") == 0);
    } else if (strcmp(reading, "auto") != 0) {
        fprintf(stderr, "bench_sgemm: the third argument is in-place, packed or auto, not '%s'\n", reading);
        return 2;
    }
    static const char *const levels[] = {"avx512", "avx2", "portable", "cblas"};
    for (size_t l = 0; l < sizeof levels / sizeof *levels; l++) {
        if (only && strcmp(only, "all") != 0 && strcmp(only, levels[l]) != 0) continue;
        product_fn product = ck_sgemm;
        if (strcmp(levels[l], "cblas") == 0) {
#ifdef CK_BENCH_CBLAS
            openblas_set_num_threads(1);
            product = cblas_product;
            printf("system BLAS, one thread (best of %d, GFLOP/s)\n", reps);
#else
            continue;
#endif
        } else if (!ck_force_kernel_level(levels[l])) {
            printf("%s: not supported on this CPU\n", levels[l]);
            continue;
        }
        const double peak = product == ck_sgemm ? fma_peak(levels[l], 1, 5, 0.2) : -1;
        const char *b_reading = ck_reading_in_place() ? "B read in place" : "B packed";
        if (product == ck_sgemm && peak > 0) {
            printf("level %s, %s (best of %d, GFLOP/s; one thread's FMA peak at this level: %.1f)\n",
                   ck_kernel_level(), b_reading, reps, peak);
        } else if (product == ck_sgemm) {
            printf("level %s, %s (best of %d, GFLOP/s)\n", ck_kernel_level(), b_reading, reps);
        }
        for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
            const bool big = shapes[i].m * shapes[i].n > 500000;
            const double gflops = measure(product, &shapes[i], big ? 3 : reps, big ? 0.3 : 0.01);
            if (peak > 0) {
                printf("  %s  %7.1f  %3.0f%% of peak\n", shapes[i].name, gflops, 100 * gflops / peak);
            } else {
                printf("  %s  %7.1f\n", shapes[i].name, gflops);
            }
            fflush(stdout);
        }
    }
    return 0;
}
