// Distorting a 28×28 training digit, the hot part of augmentation: the elastic field's product,
// the bilinear resampling through the affine map and the field, the stroke-width change, the
// blur and the noise. Written as plain loops over fixed-size, padded buffers, so the compiler
// vectorises them; compiled three times, at the baseline, for AVX2 (whose gathers the
// resampling uses) and for AVX-512 (whose permutes it uses instead), and run at the level the
// products run at. The Swift `DigitDistorter` holds the plain reference these are tested against.
#include "CKernelsDistortion.h"
#include "CKernelsElementwise.h"
#include "sgemm_internal.h"

#include <stdatomic.h>
#include <string.h>

#define SIDE CK_DIGIT_SIDE
#define STRIDE CK_DIGIT_FIELD_STRIDE
#define INLINE static inline __attribute__((always_inline))

INLINE void elastic_field(const float *restrict basis_t, int rank, const float *restrict z, float alpha,
                          float *restrict product, float *restrict field) {
    // product[r][x] = alpha · Σ_k Z[r][k] · Bᵀ[k][x]
    for (int r = 0; r < rank; r++) {
        float *restrict row = product + r * STRIDE;
        for (int x = 0; x < STRIDE; x++) row[x] = 0;
        for (int k = 0; k < rank; k++) {
            const float weight = alpha * z[r * rank + k];
            const float *restrict b = basis_t + k * STRIDE;
            for (int x = 0; x < STRIDE; x++) row[x] += weight * b[x];
        }
    }
    // field[y][x] = Σ_r B[y][r] · product[r][x], with B[y][r] = Bᵀ[r][y]
    for (int y = 0; y < SIDE; y++) {
        float *restrict row = field + y * STRIDE;
        for (int x = 0; x < STRIDE; x++) row[x] = 0;
        for (int r = 0; r < rank; r++) {
            const float weight = basis_t[r * STRIDE + y];
            const float *restrict p = product + r * STRIDE;
            for (int x = 0; x < STRIDE; x++) row[x] += weight * p[x];
        }
    }
}

/// The image as floats in [0, 1] in a 32×32 buffer, pixel (x, y) at (x + 1, y + 1), paper around:
/// every point a clamped source coordinate can reach reads inside it.
INLINE void pad_image(const uint8_t *restrict image, float *restrict padded) {
    memset(padded, 0, sizeof(float) * STRIDE * STRIDE);
    for (int y = 0; y < SIDE; y++) {
        for (int x = 0; x < SIDE; x++) padded[(y + 1) * STRIDE + x + 1] = image[y * SIDE + x] * (1.0f / 255);
    }
}

INLINE void resample(const float *restrict padded, const ck_distortion *d, float *restrict output) {
    const float c = 13.5f;
    const float *restrict fx = d->field_x, *restrict fy = d->field_y;
    for (int y = 0; y < SIDE; y++) {
        const float v = (float)y - c - d->shift_y;
        for (int x = 0; x < SIDE; x++) {
            const float u = (float)x - c - d->shift_x;
            float sx = c + d->m00 * u + d->m01 * v;
            float sy = c + d->m10 * u + d->m11 * v;
            if (fx) {
                sx += fx[y * STRIDE + x];
                sy += fy[y * STRIDE + x];
            }
            // Clamped to [−1, 28], a point off the image lands on the paper around it and reads 0.
            sx = sx < -1 ? -1 : (sx > 28 ? 28 : sx);
            sy = sy < -1 ? -1 : (sy > 28 ? 28 : sy);
            // sx + 1 ≥ 0, so truncation is the floor.
            const int ix = (int)(sx + 1), iy = (int)(sy + 1);
            const float wx = sx + 1 - (float)ix, wy = sy + 1 - (float)iy;
            const float *p = padded + iy * STRIDE + ix;
            const float top = p[0] + wx * (p[1] - p[0]);
            const float bottom = p[STRIDE] + wx * (p[STRIDE + 1] - p[STRIDE]);
            output[y * SIDE + x] = top + wy * (bottom - top);
        }
    }
}

INLINE float larger(float a, float b) { return a > b ? a : b; }
INLINE float smaller(float a, float b) { return a < b ? a : b; }

/// The 3×3 maximum (thicker) or minimum (thinner) around each pixel, rows then columns, mixed
/// into the image by |amount|; off the image counts as the pixel itself, so neither reaches past
/// the border. The border columns are done apart so the inner loops vectorise.
#define CHANGE_STROKES(image, fraction, spare, pick)                                                                   \
    do {                                                                                                               \
        for (int y = 0; y < SIDE; y++) {                                                                               \
            const float *restrict row = image + y * SIDE;                                                              \
            float *restrict out = spare + y * SIDE;                                                                    \
            out[0] = pick(row[0], row[1]);                                                                             \
            for (int x = 1; x < SIDE - 1; x++) out[x] = pick(pick(row[x - 1], row[x]), row[x + 1]);                     \
            out[SIDE - 1] = pick(row[SIDE - 2], row[SIDE - 1]);                                                        \
        }                                                                                                              \
        for (int y = 0; y < SIDE; y++) {                                                                               \
            const float *restrict up = spare + (y > 0 ? y - 1 : y) * SIDE;                                             \
            const float *restrict here = spare + y * SIDE;                                                             \
            const float *restrict down = spare + (y < SIDE - 1 ? y + 1 : y) * SIDE;                                    \
            float *restrict out = image + y * SIDE;                                                                    \
            for (int x = 0; x < SIDE; x++) out[x] += fraction * (pick(pick(up[x], here[x]), down[x]) - out[x]);        \
        }                                                                                                              \
    } while (0)

INLINE void change_strokes(float *restrict image, float amount, float *restrict spare) {
    if (amount > 0) {
        CHANGE_STROKES(image, amount, spare, larger);
    } else {
        CHANGE_STROKES(image, -amount, spare, smaller);
    }
}

/// [a, 1 − 2a, a] along rows, then along columns; paper (0) off the image.
INLINE void blur(float *restrict image, float a, float *restrict spare) {
    const float middle = 1 - 2 * a;
    for (int y = 0; y < SIDE; y++) {
        const float *restrict row = image + y * SIDE;
        float *restrict out = spare + y * SIDE;
        out[0] = a * row[1] + middle * row[0];
        for (int x = 1; x < SIDE - 1; x++) out[x] = a * (row[x - 1] + row[x + 1]) + middle * row[x];
        out[SIDE - 1] = a * row[SIDE - 2] + middle * row[SIDE - 1];
    }
    for (int y = 0; y < SIDE; y++) {
        const float *restrict up = y > 0 ? spare + (y - 1) * SIDE : NULL;
        const float *restrict here = spare + y * SIDE;
        const float *restrict down = y < SIDE - 1 ? spare + (y + 1) * SIDE : NULL;
        float *restrict out = image + y * SIDE;
        if (up && down) {
            for (int x = 0; x < SIDE; x++) out[x] = a * (up[x] + down[x]) + middle * here[x];
        } else {
            const float *restrict other = up ? up : down;
            for (int x = 0; x < SIDE; x++) out[x] = a * other[x] + middle * here[x];
        }
    }
}

/// SplitMix64's output number `i + 1` after `state`: its steps add a constant, so any one of them
/// can be computed without the ones before.
INLINE uint64_t splitmix_at(uint64_t state, uint64_t i) {
    uint64_t z = state + (i + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// Adds the sum of two 16-bit uniform draws, centred, times `scale` to every pixel, clamped to
/// [0, 1]. Each word gives two pixels their two draws, lowest bits first.
INLINE int add_noise(float *restrict image, float scale, uint64_t state) {
    const int words = SIDE * SIDE / 2;
    for (int w = 0; w < words; w++) {
        const uint64_t bits = splitmix_at(state, (uint64_t)w);
        const float first = (float)(bits & 0xFFFF) + (float)((bits >> 16) & 0xFFFF) - 65535;
        const float second = (float)((bits >> 32) & 0xFFFF) + (float)(bits >> 48) - 65535;
        float a = image[2 * w] + first * scale, b = image[2 * w + 1] + second * scale;
        image[2 * w] = a < 0 ? 0 : (a > 1 ? 1 : a);
        image[2 * w + 1] = b < 0 ? 0 : (b > 1 ? 1 : b);
    }
    return words;
}

INLINE int distort(const uint8_t *restrict image, float *restrict output, const ck_distortion *d,
                   float *restrict scratch) {
    float *padded = scratch, *spare = scratch + STRIDE * STRIDE;
    if (d->geometric) {
        pad_image(image, padded);
        resample(padded, d, output);
    } else {
        // Exactly what an epoch without augmentation loads.
        ck_bytes_to_unit_floats(image, output, SIDE * SIDE);
    }
    if (d->stroke != 0) change_strokes(output, d->stroke, spare);
    if (d->blur_a > 0) blur(output, d->blur_a, spare);
    return d->noise_scale > 0 ? add_noise(output, d->noise_scale, d->noise_state) : 0;
}

static void elastic_field_portable(const float *basis_t, int rank, const float *z, float alpha, float *scratch,
                                   float *field) {
    elastic_field(basis_t, rank, z, alpha, scratch, field);
}

static int distort_portable(const uint8_t *image, float *output, const ck_distortion *d, float *scratch) {
    return distort(image, output, d, scratch);
}

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

static AVX2 void elastic_field_avx2(const float *basis_t, int rank, const float *z, float alpha, float *scratch,
                                    float *field) {
    elastic_field(basis_t, rank, z, alpha, scratch, field);
}

/// `resample` with AVX2 gathers, eight output pixels at a time. A row of 28 is done as pixels
/// 0–7, 8–15, 16–23 and 20–27: the last four twice, to the same values.
static AVX2 void resample_avx2(const float *restrict padded, const ck_distortion *d, float *restrict output) {
    const __m256 c = _mm256_set1_ps(13.5f), one = _mm256_set1_ps(1), low = _mm256_set1_ps(-1),
                 high = _mm256_set1_ps(28);
    const __m256 m00 = _mm256_set1_ps(d->m00), m01 = _mm256_set1_ps(d->m01), m10 = _mm256_set1_ps(d->m10),
                 m11 = _mm256_set1_ps(d->m11);
    const __m256 steps = _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i stride = _mm256_set1_epi32(STRIDE), next_row = _mm256_set1_epi32(STRIDE);
    const __m256i pair_order = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
    static const int starts[4] = {0, 8, 16, 20};
    for (int y = 0; y < SIDE; y++) {
        const __m256 v = _mm256_set1_ps((float)y - 13.5f - d->shift_y);
        const __m256 row_x = _mm256_add_ps(c, _mm256_mul_ps(m01, v)), row_y = _mm256_add_ps(c, _mm256_mul_ps(m11, v));
        for (int part = 0; part < 4; part++) {
            const int x0 = starts[part];
            const __m256 u = _mm256_add_ps(_mm256_set1_ps((float)x0 - 13.5f - d->shift_x), steps);
            __m256 sx = _mm256_fmadd_ps(m00, u, row_x), sy = _mm256_fmadd_ps(m10, u, row_y);
            if (d->field_x) {
                sx = _mm256_add_ps(sx, _mm256_loadu_ps(d->field_x + y * STRIDE + x0));
                sy = _mm256_add_ps(sy, _mm256_loadu_ps(d->field_y + y * STRIDE + x0));
            }
            sx = _mm256_add_ps(_mm256_min_ps(_mm256_max_ps(sx, low), high), one);
            sy = _mm256_add_ps(_mm256_min_ps(_mm256_max_ps(sy, low), high), one);
            const __m256i ix = _mm256_cvttps_epi32(sx), iy = _mm256_cvttps_epi32(sy);
            const __m256 wx = _mm256_sub_ps(sx, _mm256_cvtepi32_ps(ix)), wy = _mm256_sub_ps(sy, _mm256_cvtepi32_ps(iy));
            // Each pixel's two neighbours in a row are adjacent floats, gathered as one 64-bit
            // pair: half the gathered elements of gathering them apart, and a gather costs by
            // the element. The pairs of pixels 0, 1, 4, 5 go in one register and 2, 3, 6, 7 in
            // the other, so that splitting them lane by lane leaves the pixels in order.
            const __m256i at = _mm256_permutevar8x32_epi32(
                _mm256_add_epi32(_mm256_mullo_epi32(iy, stride), ix), pair_order);
            const __m256i below = _mm256_add_epi32(at, next_row);
            const double *base = (const double *)(const void *)padded;
            const __m256 top_a = _mm256_castpd_ps(_mm256_i32gather_pd(base, _mm256_castsi256_si128(at), 4));
            const __m256 top_b = _mm256_castpd_ps(_mm256_i32gather_pd(base, _mm256_extracti128_si256(at, 1), 4));
            const __m256 bottom_a = _mm256_castpd_ps(_mm256_i32gather_pd(base, _mm256_castsi256_si128(below), 4));
            const __m256 bottom_b =
                _mm256_castpd_ps(_mm256_i32gather_pd(base, _mm256_extracti128_si256(below, 1), 4));
            const __m256 p00 = _mm256_shuffle_ps(top_a, top_b, 0x88), p01 = _mm256_shuffle_ps(top_a, top_b, 0xDD);
            const __m256 p10 = _mm256_shuffle_ps(bottom_a, bottom_b, 0x88);
            const __m256 p11 = _mm256_shuffle_ps(bottom_a, bottom_b, 0xDD);
            const __m256 top = _mm256_fmadd_ps(wx, _mm256_sub_ps(p01, p00), p00);
            const __m256 bottom = _mm256_fmadd_ps(wx, _mm256_sub_ps(p11, p10), p10);
            _mm256_storeu_ps(output + y * SIDE + x0, _mm256_fmadd_ps(wy, _mm256_sub_ps(bottom, top), top));
        }
    }
}

static AVX2 int distort_avx2(const uint8_t *image, float *output, const ck_distortion *d, float *scratch) {
    if (!d->geometric) return distort(image, output, d, scratch);
    float *padded = scratch, *spare = scratch + STRIDE * STRIDE;
    pad_image(image, padded);
    resample_avx2(padded, d, output);
    if (d->stroke != 0) change_strokes(output, d->stroke, spare);
    if (d->blur_a > 0) blur(output, d->blur_a, spare);
    return d->noise_scale > 0 ? add_noise(output, d->noise_scale, d->noise_state) : 0;
}

#define AVX512 __attribute__((target("avx2,fma,avx512f,avx512dq,avx512vl,avx512bw")))

/// `resample` sixteen output pixels at a time: a row of 28 as pixels 0–15 and 12–27, the last
/// four twice, to the same values. Two ways to look up each pixel's four neighbours, which
/// find the same values:
///
/// - By rows: a padded row of 32 floats is two registers, and one two-register permute reads
///   any column of it into every lane, so each source row the sixteen pixels touch is looked
///   up whole, and each lane keeps the values of its own rows. The rows a group touches are
///   few (the map turns by a few degrees, and the elastic field is smooth), so the loop over
///   them is short. The faster way on AMD's cores, where a gather costs by the element.
/// - By gathers: each pixel's two neighbours in a row are one 64-bit pair, eight pairs a
///   gather, as `resample_avx2` does. On Intel's cores gathers are cheap: on one core of an
///   Intel Xeon (family 6 model 207) a digit's padding and resampling took 0.77 µs this way
///   against 1.93 µs by rows (512 digits, each turned up to 15° and displaced by a smooth field
///   of up to three pixels, the best of 50 passes).
INLINE AVX512 void resample_avx512(const float *restrict padded, const ck_distortion *d, float *restrict output,
                                   const bool by_gathers) {
    const __m512 c = _mm512_set1_ps(13.5f), one = _mm512_set1_ps(1), low = _mm512_set1_ps(-1),
                 high = _mm512_set1_ps(28);
    const __m512 m00 = _mm512_set1_ps(d->m00), m01 = _mm512_set1_ps(d->m01), m10 = _mm512_set1_ps(d->m10),
                 m11 = _mm512_set1_ps(d->m11);
    const __m512 steps = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i next = _mm512_set1_epi32(1), stride = _mm512_set1_epi32(STRIDE);
    // A gathered register holds pairs (left, right) of eight pixels: lefts in the even lanes.
    const __m512i lefts = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i rights = _mm512_add_epi32(lefts, next);
    const double *pairs = (const double *)(const void *)padded;
    static const int starts[2] = {0, 12};
    for (int y = 0; y < SIDE; y++) {
        const __m512 v = _mm512_set1_ps((float)y - 13.5f - d->shift_y);
        const __m512 row_x = _mm512_add_ps(c, _mm512_mul_ps(m01, v)), row_y = _mm512_add_ps(c, _mm512_mul_ps(m11, v));
        for (int part = 0; part < 2; part++) {
            const int x0 = starts[part];
            const __m512 u = _mm512_add_ps(_mm512_set1_ps((float)x0 - 13.5f - d->shift_x), steps);
            __m512 sx = _mm512_fmadd_ps(m00, u, row_x), sy = _mm512_fmadd_ps(m10, u, row_y);
            if (d->field_x) {
                sx = _mm512_add_ps(sx, _mm512_loadu_ps(d->field_x + y * STRIDE + x0));
                sy = _mm512_add_ps(sy, _mm512_loadu_ps(d->field_y + y * STRIDE + x0));
            }
            sx = _mm512_add_ps(_mm512_min_ps(_mm512_max_ps(sx, low), high), one);
            sy = _mm512_add_ps(_mm512_min_ps(_mm512_max_ps(sy, low), high), one);
            const __m512i ix = _mm512_cvttps_epi32(sx), iy = _mm512_cvttps_epi32(sy);
            const __m512 wx = _mm512_sub_ps(sx, _mm512_cvtepi32_ps(ix)), wy = _mm512_sub_ps(sy, _mm512_cvtepi32_ps(iy));
            // The neighbours: p00 and p01 in row iy, p10 and p11 in row iy + 1, columns ix and ix + 1.
            __m512 p00 = _mm512_setzero_ps(), p01 = p00, p10 = p00, p11 = p00;
            if (by_gathers) {
                const __m512i at = _mm512_add_epi32(_mm512_mullo_epi32(iy, stride), ix);
                const __m512i below = _mm512_add_epi32(at, stride);
                const __m512 top_a = _mm512_castpd_ps(_mm512_i32gather_pd(_mm512_castsi512_si256(at), pairs, 4));
                const __m512 top_b = _mm512_castpd_ps(_mm512_i32gather_pd(_mm512_extracti64x4_epi64(at, 1), pairs, 4));
                const __m512 bottom_a =
                    _mm512_castpd_ps(_mm512_i32gather_pd(_mm512_castsi512_si256(below), pairs, 4));
                const __m512 bottom_b =
                    _mm512_castpd_ps(_mm512_i32gather_pd(_mm512_extracti64x4_epi64(below, 1), pairs, 4));
                p00 = _mm512_permutex2var_ps(top_a, lefts, top_b);
                p01 = _mm512_permutex2var_ps(top_a, rights, top_b);
                p10 = _mm512_permutex2var_ps(bottom_a, lefts, bottom_b);
                p11 = _mm512_permutex2var_ps(bottom_a, rights, bottom_b);
            } else {
                const __m512i ix1 = _mm512_add_epi32(ix, next);
                const int first = _mm512_reduce_min_epi32(iy), last = _mm512_reduce_max_epi32(iy) + 1;
                for (int r = first; r <= last; r++) {
                    const __m512 left = _mm512_loadu_ps(padded + r * STRIDE);
                    const __m512 right = _mm512_loadu_ps(padded + r * STRIDE + 16);
                    const __m512 at = _mm512_permutex2var_ps(left, ix, right);
                    const __m512 after = _mm512_permutex2var_ps(left, ix1, right);
                    const __m512i row = _mm512_set1_epi32(r);
                    const __mmask16 top = _mm512_cmpeq_epi32_mask(iy, row);
                    const __mmask16 bottom = _mm512_cmpeq_epi32_mask(_mm512_add_epi32(iy, next), row);
                    p00 = _mm512_mask_mov_ps(p00, top, at);
                    p01 = _mm512_mask_mov_ps(p01, top, after);
                    p10 = _mm512_mask_mov_ps(p10, bottom, at);
                    p11 = _mm512_mask_mov_ps(p11, bottom, after);
                }
            }
            const __m512 upper = _mm512_fmadd_ps(wx, _mm512_sub_ps(p01, p00), p00);
            const __m512 lower = _mm512_fmadd_ps(wx, _mm512_sub_ps(p11, p10), p10);
            _mm512_storeu_ps(output + y * SIDE + x0, _mm512_fmadd_ps(wy, _mm512_sub_ps(lower, upper), upper));
        }
    }
}

static AVX512 void resample_avx512_by_rows(const float *padded, const ck_distortion *d, float *output) {
    resample_avx512(padded, d, output, false);
}

static AVX512 void resample_avx512_by_gathers(const float *padded, const ck_distortion *d, float *output) {
    resample_avx512(padded, d, output, true);
}

/// `pad_image`, a row at a time: the 28 bytes of a row widened in one conversion, and only the
/// border of the padded image cleared.
static AVX512 void pad_image_avx512(const uint8_t *restrict image, float *restrict padded) {
    const __mmask32 row_bytes = (1u << SIDE) - 1;
    const __m512 scale = _mm512_set1_ps(1.0f / 255);
    memset(padded, 0, sizeof(float) * STRIDE);
    for (int y = 0; y < SIDE; y++) {
        float *row = padded + (y + 1) * STRIDE;
        const __m256i bytes = _mm256_maskz_loadu_epi8(row_bytes, image + y * SIDE);
        const __m512 low = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm256_castsi256_si128(bytes)));
        const __m512 high = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm256_extracti128_si256(bytes, 1)));
        // Pixel x goes to column x + 1; columns 0 and 29–31 are paper.
        row[0] = 0;
        _mm512_storeu_ps(row + 1, _mm512_mul_ps(low, scale));
        _mm512_mask_storeu_ps(row + 17, 0x7FFF, _mm512_maskz_mul_ps(0x0FFF, high, scale));
    }
    memset(padded + (SIDE + 1) * STRIDE, 0, sizeof(float) * STRIDE * (STRIDE - SIDE - 1));
}

/// A 28-float row as two registers, pixels 0–15 and 16–27 (the rest 0), read through `mask`
/// shifted by `offset` pixels: `offset` −1 gives each pixel its left neighbour, +1 its right one,
/// with 0 where the neighbour is off the row.
static AVX512 inline void load_row(const float *row, int offset, __m512 *low, __m512 *high) {
    const __mmask16 low_mask = offset < 0 ? 0xFFFE : 0xFFFF;
    const __mmask16 high_mask = offset > 0 ? 0x07FF : 0x0FFF;
    *low = _mm512_maskz_loadu_ps(low_mask, row + offset);
    *high = _mm512_maskz_loadu_ps(high_mask, row + 16 + offset);
}

/// `change_strokes` sixteen pixels at a time, rows then columns, with the same order of
/// operations (so the same values): the row pass takes each pixel's left and right neighbours,
/// the pixel itself standing in for one off the row; the column pass its rows above and below.
static AVX512 void change_strokes_avx512(float *restrict image, float amount, float *restrict spare) {
    const bool thicker = amount > 0;
    const __m512 fraction = _mm512_set1_ps(thicker ? amount : -amount);
#define PICK(a, b) (thicker ? _mm512_max_ps(a, b) : _mm512_min_ps(a, b))
    for (int y = 0; y < SIDE; y++) {
        const float *row = image + y * SIDE;
        __m512 left_low, left_high, here_low, here_high, right_low, right_high;
        load_row(row, -1, &left_low, &left_high);
        load_row(row, 0, &here_low, &here_high);
        load_row(row, 1, &right_low, &right_high);
        // Off the row, the pixel itself: pick(pick(x, x), n) is pick(x, n), as at the edges of
        // the plain loop.
        left_low = _mm512_mask_mov_ps(left_low, 0x0001, here_low);
        right_high = _mm512_mask_mov_ps(right_high, 0x0800, here_high);
        _mm512_storeu_ps(spare + y * SIDE, PICK(PICK(left_low, here_low), right_low));
        _mm512_mask_storeu_ps(spare + y * SIDE + 16, 0x0FFF, PICK(PICK(left_high, here_high), right_high));
    }
    for (int y = 0; y < SIDE; y++) {
        const float *up = spare + (y > 0 ? y - 1 : y) * SIDE, *here = spare + y * SIDE;
        const float *down = spare + (y < SIDE - 1 ? y + 1 : y) * SIDE;
        float *out = image + y * SIDE;
        for (int part = 0; part < 2; part++) {
            const int x = part * 16;
            const __mmask16 mask = part == 0 ? 0xFFFF : 0x0FFF;
            const __m512 picked = PICK(PICK(_mm512_maskz_loadu_ps(mask, up + x), _mm512_maskz_loadu_ps(mask, here + x)),
                                       _mm512_maskz_loadu_ps(mask, down + x));
            const __m512 old = _mm512_maskz_loadu_ps(mask, out + x);
            _mm512_mask_storeu_ps(out + x, mask, _mm512_fmadd_ps(fraction, _mm512_sub_ps(picked, old), old));
        }
    }
#undef PICK
}

/// `blur` sixteen pixels at a time, with the same order of operations: [a, 1 − 2a, a] along
/// rows, then columns, paper (0) off the image.
static AVX512 void blur_avx512(float *restrict image, float a, float *restrict spare) {
    const __m512 side = _mm512_set1_ps(a), middle = _mm512_set1_ps(1 - 2 * a);
    for (int y = 0; y < SIDE; y++) {
        const float *row = image + y * SIDE;
        __m512 left_low, left_high, here_low, here_high, right_low, right_high;
        load_row(row, -1, &left_low, &left_high);
        load_row(row, 0, &here_low, &here_high);
        load_row(row, 1, &right_low, &right_high);
        _mm512_storeu_ps(spare + y * SIDE,
                         _mm512_fmadd_ps(side, _mm512_add_ps(left_low, right_low), _mm512_mul_ps(middle, here_low)));
        _mm512_mask_storeu_ps(spare + y * SIDE + 16, 0x0FFF,
                              _mm512_fmadd_ps(side, _mm512_add_ps(left_high, right_high), _mm512_mul_ps(middle, here_high)));
    }
    for (int y = 0; y < SIDE; y++) {
        const float *here = spare + y * SIDE;
        float *out = image + y * SIDE;
        for (int part = 0; part < 2; part++) {
            const int x = part * 16;
            const __mmask16 mask = part == 0 ? 0xFFFF : 0x0FFF;
            const __m512 centre = _mm512_mul_ps(middle, _mm512_maskz_loadu_ps(mask, here + x));
            __m512 value;
            if (y > 0 && y < SIDE - 1) {
                const __m512 sum = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, here - SIDE + x),
                                                 _mm512_maskz_loadu_ps(mask, here + SIDE + x));
                value = _mm512_fmadd_ps(side, sum, centre);
            } else {
                const float *other = y > 0 ? here - SIDE : here + SIDE;
                value = _mm512_fmadd_ps(side, _mm512_maskz_loadu_ps(mask, other + x), centre);
            }
            _mm512_mask_storeu_ps(out + x, mask, value);
        }
    }
}

/// `distort_avx2` at the avx512 level: the resampling above, strokes and blur written for rows
/// of 28, and the noise's 64-bit multiplies one instruction each instead of AVX2's three.
static AVX512 int distort_avx512(const uint8_t *image, float *output, const ck_distortion *d, float *scratch) {
    if (!d->geometric) return distort(image, output, d, scratch);
    float *padded = scratch, *spare = scratch + STRIDE * STRIDE;
    pad_image_avx512(image, padded);
    if (ck_resampling_gathers()) {
        resample_avx512_by_gathers(padded, d, output);
    } else {
        resample_avx512_by_rows(padded, d, output);
    }
    if (d->stroke != 0) change_strokes_avx512(output, d->stroke, spare);
    if (d->blur_a > 0) blur_avx512(output, d->blur_a, spare);
    return d->noise_scale > 0 ? add_noise(output, d->noise_scale, d->noise_state) : 0;
}

/// The elastic field's two small products, sixteen lanes at a time.
static AVX512 void elastic_field_avx512(const float *basis_t, int rank, const float *z, float alpha, float *scratch,
                                        float *field) {
    elastic_field(basis_t, rank, z, alpha, scratch, field);
}

/// AVX2 at the avx2 and avx512 levels.
static int use_avx2(void) { return strcmp(ck_current_level()->name, "portable") != 0; }
static int use_avx512(void) { return strcmp(ck_current_level()->name, "avx512") == 0; }
#endif

// As for reading in place (sgemm.c): the CPU's answer, cached once, and a forced answer that
// belongs to the thread that forced it.
static atomic_int automatic_resampling;
static _Thread_local int forced_resampling;

static bool cpu_gathers_fast(void) { return ck_cpu_vendor() == CK_VENDOR_INTEL; }

bool ck_resampling_gathers(void) { return ck_choice(forced_resampling, &automatic_resampling, cpu_gathers_fast); }

void ck_force_resampling_gathers(int gathers) { forced_resampling = ck_forced_choice(gathers); }

void ck_elastic_field(const float *basis_t, int rank, const float *z, float alpha, float *scratch, float *field) {
#if defined(__x86_64__)
    if (use_avx512()) {
        elastic_field_avx512(basis_t, rank, z, alpha, scratch, field);
        return;
    }
    if (use_avx2()) {
        elastic_field_avx2(basis_t, rank, z, alpha, scratch, field);
        return;
    }
#endif
    elastic_field_portable(basis_t, rank, z, alpha, scratch, field);
}

int ck_distort_digit(const uint8_t *image, float *output, const ck_distortion *distortion, float *scratch) {
#if defined(__x86_64__)
    if (use_avx512()) return distort_avx512(image, output, distortion, scratch);
    if (use_avx2()) return distort_avx2(image, output, distortion, scratch);
#endif
    return distort_portable(image, output, distortion, scratch);
}
