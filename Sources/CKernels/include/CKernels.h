#ifndef CKERNELS_H
#define CKERNELS_H

#include <stdbool.h>
#include <stddef.h>

#include "CKernelsDistortion.h"
#include "CKernelsElementwise.h"
#include "CKernelsHalves.h"
#include "CKernelsMemory.h"
#include "CKernelsPool.h"
#include "CKernelsSignals.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Single-precision matrix product on row-major matrices:
///
///     C (m×n) = beta·C + op(A) · op(B)
///
/// op(A) is m×k: A itself (m×k, row stride lda) or, with transA, the transpose of a k×m A.
/// op(B) is k×n: B itself (k×n, row stride ldb) or, with transB, the transpose of an n×k B.
/// beta is 0 (overwrite C; C's old contents, even NaN, are ignored) or 1 (accumulate); any
/// other nonzero beta is taken as 1. k = 0 leaves C = beta·C. C must not overlap A or B.
///
/// Runs on the calling thread with the fastest kernel this CPU supports (chosen on the first
/// call). Safe to call from several threads at once: each thread packs operands into its own
/// 32 KiB thread-local buffer, and no call allocates.
void ck_sgemm(bool transA, bool transB, int m, int n, int k,
              const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc);

/// The same product with a fused epilogue, for a dense layer's forward pass:
///
///     C = act(beta·C + op(A)·op(B) + bias)
///
/// `bias` holds n floats, one per column of C (NULL adds nothing); with `relu`, negative results
/// become 0 (NaN stays NaN). Saves a second pass over C for the bias and the activation.
void ck_sgemm_bias_act(bool transA, bool transB, int m, int n, int k,
                       const float *a, int lda, const float *b, int ldb,
                       float beta, float *c, int ldc, const float *bias, bool relu);

/// The same product by the plain triple loop: the reference the fast kernels are tested against.
void ck_sgemm_reference(bool transA, bool transB, int m, int n, int k,
                        const float *a, int lda, const float *b, int ldb,
                        float beta, float *c, int ldc);

/// The instruction-set level the fast kernels run at: "avx512", "avx2", or "portable".
const char *ck_kernel_level(void);

/// Force a kernel level ("avx512", "avx2", "portable") for tests and benchmarks; returns false
/// (and changes nothing) when this CPU cannot run it. NULL restores automatic choice. The
/// setting applies to the calling thread only (products and SGD updates it runs itself), so
/// forcing a level never changes the results of work running on other threads.
bool ck_force_kernel_level(const char *level);

/// Whether the calling thread's products of a few rows (at most eight row tiles: 96 rows at
/// AVX-512, 48 at AVX2) by a row-major B read B where it lies rather than copying it panel by
/// panel into a packed buffer first. The CPU decides (reading in place is faster on most; see
/// sgemm.c for the exceptions). Either way gives the same bits.
bool ck_reading_in_place(void);

/// Force that choice for the calling thread, for tests and benchmarks: 1 reads in place, 0
/// always packs, a negative value restores the CPU's choice.
void ck_force_reading_in_place(int read_in_place);

#ifdef __cplusplus
}
#endif

#endif
