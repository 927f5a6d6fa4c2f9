// The elementwise passes of a training step. They are memory-bound, so plain loops that the
// compiler vectorises at the baseline instruction set are as fast as hand-written SIMD here.
// `restrict` tells it the arrays do not overlap, without which it keeps them scalar.
#include "CKernelsElementwise.h"

#include <stdbool.h>

#include <math.h>

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

void ck_bytes_to_unit_floats(const uint8_t *restrict src, float *restrict dst, size_t n) {
    const float scale = 1.0f / 255.0f;
    for (size_t i = 0; i < n; i++) dst[i] = (float)src[i] * scale;
}

void ck_sgd_update(float *restrict w, float *restrict v, ptrdiff_t ldw, const float *restrict g, ptrdiff_t ldg,
                   int rows, int cols, float rate, float momentum, float decay) {
    for (int r = 0; r < rows; r++) {
        float *restrict wr = w + r * ldw, *restrict vr = v + r * ldw;
        const float *restrict gr = g + r * ldg;
        for (int j = 0; j < cols; j++) {
            float vj = momentum * vr[j] + (gr[j] + decay * wr[j]);
            vr[j] = vj;
            wr[j] -= rate * vj;
        }
    }
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
