// The elementwise passes of a training step. Most are memory-bound, so plain loops that the
// compiler vectorises at the baseline instruction set are as fast as hand-written SIMD here;
// the SGD update, whose data the engine keeps in cache, is compiled per level (sgemm_internal.h).
// `restrict` tells the compiler the arrays do not overlap, without which it keeps them scalar.
#include "CKernelsElementwise.h"
#include "sgemm_internal.h"

#include <stdbool.h>

#include <math.h>
#include <string.h>

static inline float apply_activation(float z, int activation) {
    switch (activation) {
    case CK_ACTIVATION_RELU: return z > 0 ? z : 0;
    case CK_ACTIVATION_SIGMOID: return 1 / (1 + expf(-z));
    case CK_ACTIVATION_TANH: return tanhf(z);
    default: return z;
    }
}

void ck_bias_activation(float *z, int rows, int cols, int ldz, const float *bias, int activation) {
    for (int r = 0; r < rows; r++) {
        float *row = z + (size_t)r * ldz;
        if (bias) {
            for (int j = 0; j < cols; j++) row[j] += bias[j];
        }
        switch (activation) {
        case CK_ACTIVATION_IDENTITY:
            break;
        case CK_ACTIVATION_RELU:
            // NaN stays NaN (the comparison is false), so a diverging run is still detected.
            for (int j = 0; j < cols; j++) row[j] = row[j] < 0 ? 0 : row[j];
            break;
        default:
            for (int j = 0; j < cols; j++) row[j] = apply_activation(row[j], activation);
        }
    }
}

void ck_activation_backward(const float *restrict a, float *restrict g, size_t n, int activation) {
    switch (activation) {
    case CK_ACTIVATION_RELU:
        // Written as a select rather than a branch: ReLU masks are random, so a branch would be
        // mispredicted half the time, and the select vectorises.
        for (size_t i = 0; i < n; i++) {
            float gi = g[i];
            g[i] = a[i] > 0 ? gi : 0.0f;
        }
        break;
    case CK_ACTIVATION_SIGMOID:
        for (size_t i = 0; i < n; i++) g[i] *= a[i] * (1 - a[i]);
        break;
    case CK_ACTIVATION_TANH:
        for (size_t i = 0; i < n; i++) g[i] *= 1 - a[i] * a[i];
        break;
    default:
        break;
    }
}

void ck_column_sums(const float *restrict x, int rows, int cols, int ldx, float *restrict sums, bool accumulate) {
    if (!accumulate) {
        for (int j = 0; j < cols; j++) sums[j] = 0;
    }
    for (int r = 0; r < rows; r++) {
        const float *row = x + (size_t)r * ldx;
        for (int j = 0; j < cols; j++) sums[j] += row[j];
    }
}

bool ck_all_finite(const float *restrict x, size_t n) {
    // A float is NaN or infinite exactly when its exponent bits are all ones.
    uint32_t worst = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, x + i, sizeof bits);
        const uint32_t exponent = bits & 0x7f800000u;
        worst = exponent > worst ? exponent : worst;
    }
    return worst != 0x7f800000u;
}

void ck_bytes_to_unit_floats(const uint8_t *restrict src, float *restrict dst, size_t n) {
    const float scale = 1.0f / 255.0f;
    for (size_t i = 0; i < n; i++) dst[i] = (float)src[i] * scale;
}

void ck_optimizer_update(float *w, float *m, float *s, float *a, ptrdiff_t ldw, const float *g, ptrdiff_t ldg, int rows,
                         int cols, const ck_update *update) {
    // Memory-bound when the parameters come from DRAM, but the training engine keeps each
    // thread's share in its cache, where the baseline build's 4-wide loop would be the limit;
    // so it runs at the products' instruction-set level.
    ck_current_level()->optimizer_update(w, m, s, a, ldw, g, ldg, rows, cols, update);
}

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

unsigned ck_flush_denormals(void) {
#if defined(__x86_64__)
    unsigned saved = _mm_getcsr();
    _mm_setcsr(saved | 0x8040);  // flush-to-zero and denormals-are-zero
    return saved;
#elif defined(__aarch64__)
    unsigned long saved;
    __asm__ volatile("mrs %0, fpcr" : "=r"(saved));
    __asm__ volatile("msr fpcr, %0" : : "r"(saved | (1UL << 24)));
    return (unsigned)saved;
#else
    return 0;
#endif
}

void ck_restore_denormals(unsigned saved) {
#if defined(__x86_64__)
    _mm_setcsr(saved);
#elif defined(__aarch64__)
    unsigned long value = saved;
    __asm__ volatile("msr fpcr, %0" : : "r"(value));
#else
    (void)saved;
#endif
}
