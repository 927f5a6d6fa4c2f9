#ifndef CKERNELS_HALVES_H
#define CKERNELS_HALVES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// dst[i] ← the value of the IEEE half-precision float whose bits are the little-endian bytes
/// src[2i], src[2i + 1] (src may have any alignment), for n values. Every finite half and both
/// infinities widen exactly; a NaN stays a NaN.
///
/// Uses the CPU's conversion instructions (F16C) unless the calling thread's kernels are forced
/// to the portable level (`ck_force_kernel_level`), so tests can check both paths. A large
/// destination is populated first (`ck_populate_for_writing`).
void ck_halves_to_floats(const void *src, float *dst, size_t n);


#ifdef __cplusplus
}
#endif

#endif
