#ifndef CKERNELS_DISTORTION_H
#define CKERNELS_DISTORTION_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Side of the digits the distortion works on (MNIST's 28), and the row stride of its fields.
enum { CK_DIGIT_SIDE = 28, CK_DIGIT_FIELD_STRIDE = 32 };

/// Largest rank of an elastic basis.
enum { CK_ELASTIC_RANK_MAX = 28 };

/// field (28 rows of CK_DIGIT_FIELD_STRIDE floats) ← alpha · B · Z · Bᵀ, where B is 28 × rank and
/// given transposed (`basis_t`, rank rows of CK_DIGIT_FIELD_STRIDE floats) and Z is rank × rank,
/// row-major. `scratch` holds rank × CK_DIGIT_FIELD_STRIDE floats.
void ck_elastic_field(const float *basis_t, int rank, const float *z, float alpha, float *scratch, float *field);

/// What `ck_distort_digit` does to one digit. Geometry maps each output pixel (x, y) to the source
/// point c + M·((x, y) − c − shift) + field(x, y), c = (13.5, 13.5), M = {m00, m01, m10, m11};
/// the fields may be NULL (no elastic part). `stroke` mixes in a 3×3 dilation (> 0) or erosion
/// (< 0) by |stroke|; `blur_a` is the side weight a of the kernel [a, 1 − 2a, a] along each axis
/// (0 for none); `noise_scale` multiplies triangular noise made from SplitMix64 words drawn from
/// `noise_state` (0 for none: no words drawn).
typedef struct {
    int geometric;
    float m00, m01, m10, m11;
    float shift_x, shift_y;
    const float *field_x;
    const float *field_y;
    float stroke;
    float blur_a;
    float noise_scale;
    uint64_t noise_state;
} ck_distortion;

/// Writes the distorted `image` (28×28 bytes, 0 = paper) to `output` (28×28 floats in [0, 1]).
/// `scratch` holds 2 × 32 × 32 floats. Returns the SplitMix64 words the noise used (784 / 2, or 0),
/// by which the caller advances its generator: word i is the generator's (i + 1)-th output from
/// `noise_state`, so the result is the same as drawing them one by one.
int ck_distort_digit(const uint8_t *image, float *output, const ck_distortion *distortion, float *scratch);

/// Whether the calling thread's AVX-512 resampling gathers each output pixel's neighbours (the
/// faster way on Intel's cores) or looks up the whole source rows they lie in (on AMD's, and
/// every other). Both give the same bits.
bool ck_resampling_gathers(void);

/// Force that choice for the calling thread, for tests and benchmarks: 1 gathers, 0 looks up
/// rows, a negative value restores the CPU's choice.
void ck_force_resampling_gathers(int gathers);

#ifdef __cplusplus
}
#endif

#endif
