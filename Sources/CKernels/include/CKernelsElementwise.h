#ifndef CKERNELS_ELEMENTWISE_H
#define CKERNELS_ELEMENTWISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Activation codes shared with Swift's `Activation`.
enum {
    CK_ACTIVATION_IDENTITY = 0,
    CK_ACTIVATION_RELU = 1,
    CK_ACTIVATION_SIGMOID = 2,
    CK_ACTIVATION_TANH = 3,
};

/// z (rows×cols, row stride ldz) ← f(z + bias) with bias one float per column (NULL for none).
void ck_bias_activation(float *z, int rows, int cols, int ldz, const float *bias, int activation);

/// g ← g ⊙ f'(z), with f' written through the activation's output a = f(z); n elements.
/// Turns dL/dA into dL/dZ in place.
void ck_activation_backward(const float *a, float *g, size_t n, int activation);

/// sums[j] ← Σ_i x[i][j] over rows×cols (row stride ldx): dL/db from dL/dZ; with `accumulate`,
/// sums[j] += that instead. Rows are added in order, so the result depends only on the data.
void ck_column_sums(const float *x, int rows, int cols, int ldx, float *sums, bool accumulate);

/// Whether every one of the n floats is finite (no NaN, no infinity). Reads them all, without
/// an early exit, so that it vectorises: a model's weights are checked this way as they load.
bool ck_all_finite(const float *x, size_t n);

/// dst[i] ← src[i] / 255 for n bytes: pixels to inputs in [0, 1].
void ck_bytes_to_unit_floats(const uint8_t *src, float *dst, size_t n);

/// The update rules of `ck_update`, in PyTorch's forms (λ is `decay`, η `rate`, μ `momentum`):
typedef enum {
    /// v = μ·v + (g + λ·w);  w -= η·v
    CK_RULE_MOMENTUM = 0,
    /// v = μ·v + (g + λ·w);  w -= η·((g + λ·w) + μ·v)
    CK_RULE_NESTEROV = 1,
    /// g' = g + λ·w;  m = β1·m + (1 − β1)·g';  s = β2·s + (1 − β2)·g'²;
    /// w -= step_size·m / (√s · inverse_root_correction + ε)
    CK_RULE_ADAM = 2,
    /// w -= η·λ·w first (decay decoupled from the gradient), then Adam's rule with λ = 0.
    CK_RULE_ADAMW = 3,
} ck_rule;

/// The constants of one optimiser step. For Adam, `momentum` is β1; `step_size` is
/// η / (1 − β1^t) and `inverse_root_correction` 1 / √(1 − β2^t) at step t (from 1).
typedef struct {
    ck_rule rule;
    float rate;
    float momentum;
    float decay;
    float beta2;
    float epsilon;
    float step_size;
    float inverse_root_correction;
    /// The decay d of the weights' moving average: a = d·a + (1 − d)·w after the step.
    float average_decay;
} ck_update;

/// One optimiser step over a rows × cols block of one parameter matrix w: m holds the first
/// moments (SGD's velocities), s the second (Adam's rules only; NULL for the others), and a, when
/// not NULL, an exponential moving average of w that follows the step. w, m, s and a share the
/// row stride ldw; the gradient g has its own, ldg (a block of rows formed in scratch
/// memory, say). For a flat vector of n values pass rows 1 and cols n.
void ck_optimizer_update(float *w, float *m, float *s, float *a, ptrdiff_t ldw, const float *g, ptrdiff_t ldg, int rows,
                         int cols, const ck_update *update);

/// Makes the calling thread treat denormal floats as zero (inputs and results) and returns the
/// previous setting for `ck_restore_denormals`. Gradients and momentum buffers drift into the
/// denormal range late in training, where every operation on them costs about a hundred times
/// more on x86; numbers that small change nothing a network learns.
unsigned ck_flush_denormals(void);

/// Restores the setting `ck_flush_denormals` returned.
void ck_restore_denormals(unsigned saved);

#ifdef __cplusplus
}
#endif

#endif
