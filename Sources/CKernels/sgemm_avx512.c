// AVX-512 micro-kernels: a tile of up to 12 rows × 32 columns lives in 24 zmm accumulators;
// each step of k loads two vectors of the packed panel and broadcasts one X element per row.
// Column edges use AVX-512 masks, so partial panels need no scalar path.
#if defined(__x86_64__)

#include "sgemm_internal.h"

#include <immintrin.h>

#define CK_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma")))
#define CK_INLINE static inline __attribute__((always_inline))

enum { LANES = 16, MR = 12 };

CK_INLINE CK_TARGET __mmask16 mask_first(int count) {
    return count >= LANES ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

CK_INLINE CK_TARGET __m512 epilogue(__m512 sum, __m512 old, __m512 bias, const ck_tile *t) {
    if (t->accumulate) sum = _mm512_add_ps(old, sum);
    if (t->bias) sum = _mm512_add_ps(sum, bias);
    // max(0, NaN) is NaN with the operands in this order, like the scalar path.
    if (t->relu) sum = _mm512_max_ps(_mm512_setzero_ps(), sum);
    return sum;
}

// `rows` and `vectors` are compile-time constants at every call, so the loops over them
// unroll and the accumulators stay in registers.
CK_INLINE CK_TARGET void tile(const int rows, const int vectors, const ck_tile *t) {
    __m512 acc[MR][2];
    for (int r = 0; r < rows; r++) {
        acc[r][0] = _mm512_setzero_ps();
        acc[r][1] = _mm512_setzero_ps();
    }
    const float *x = t->x;
    const ptrdiff_t xrs = t->xrs, xks = t->xks;
    const float *y = t->panel;
    for (int p = 0; p < t->kc; p++) {
        const __m512 y0 = _mm512_load_ps(y);
        const __m512 y1 = vectors > 1 ? _mm512_load_ps(y + LANES) : y0;
        for (int r = 0; r < rows; r++) {
            const __m512 a = _mm512_set1_ps(x[r * xrs]);
            acc[r][0] = _mm512_fmadd_ps(a, y0, acc[r][0]);
            if (vectors > 1) acc[r][1] = _mm512_fmadd_ps(a, y1, acc[r][1]);
        }
        x += xks;
        y += vectors * LANES;
    }

    const __m512 zero = _mm512_setzero_ps();
    if (!t->transposed_out) {
        const __mmask16 masks[2] = {mask_first(t->cols), mask_first(t->cols - LANES)};
        for (int r = 0; r < rows; r++) {
            float *d = t->c + r * t->ldc;
            for (int v = 0; v < vectors; v++) {
                const __mmask16 m = masks[v];
                const __m512 old = t->accumulate ? _mm512_maskz_loadu_ps(m, d + v * LANES) : zero;
                const __m512 bias = t->bias ? _mm512_maskz_loadu_ps(m, t->bias + v * LANES) : zero;
                _mm512_mask_storeu_ps(d + v * LANES, m, epilogue(acc[r][v], old, bias, t));
            }
        }
    } else {
        // Tile row r is destination column r: spill the tile and gather each destination row.
        float spill[MR * 2 * LANES] __attribute__((aligned(64)));
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < vectors; v++) _mm512_store_ps(spill + (r * 2 + v) * LANES, acc[r][v]);
        }
        const __mmask16 m = mask_first(rows);
        const __m512i index = _mm512_mullo_epi32(
            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32(2 * LANES));
        const __m512 bias = t->bias ? _mm512_maskz_loadu_ps(m, t->bias) : zero;
        for (int j = 0; j < t->cols; j++) {
            float *d = t->c + j * t->ldc;
            const __m512 sum = _mm512_mask_i32gather_ps(zero, m, index, spill + j, 4);
            const __m512 old = t->accumulate ? _mm512_maskz_loadu_ps(m, d) : zero;
            _mm512_mask_storeu_ps(d, m, epilogue(sum, old, bias, t));
        }
    }
}

#define CK_TILES(rows) \
    static CK_TARGET void tile_##rows##_narrow(const ck_tile *t) { tile(rows, 1, t); } \
    static CK_TARGET void tile_##rows##_wide(const ck_tile *t) { tile(rows, 2, t); }
CK_TILES(1)
CK_TILES(2)
CK_TILES(3)
CK_TILES(4)
CK_TILES(5)
CK_TILES(6)
CK_TILES(7)
CK_TILES(8)
CK_TILES(9)
CK_TILES(10)
CK_TILES(11)
CK_TILES(12)

static CK_TARGET void pack_rows(int kc, int cols, const float *src, ptrdiff_t ld, float *panel, int stride) {
    const __mmask16 m0 = mask_first(cols), m1 = mask_first(cols - LANES);
    for (int p = 0; p < kc; p++) {
        const float *s = src + p * ld;
        float *d = panel + (ptrdiff_t)p * stride;
        _mm512_store_ps(d, _mm512_maskz_loadu_ps(m0, s));
        if (stride > LANES) _mm512_store_ps(d + LANES, _mm512_maskz_loadu_ps(m1, s + LANES));
    }
}

const ck_level ck_level_avx512 = {
    .name = "avx512",
    .mr_max = MR,
    .lanes = LANES,
    .nr = 2 * LANES,
    .tiles = {
        {NULL, tile_1_narrow, tile_2_narrow, tile_3_narrow, tile_4_narrow, tile_5_narrow, tile_6_narrow,
         tile_7_narrow, tile_8_narrow, tile_9_narrow, tile_10_narrow, tile_11_narrow, tile_12_narrow},
        {NULL, tile_1_wide, tile_2_wide, tile_3_wide, tile_4_wide, tile_5_wide, tile_6_wide,
         tile_7_wide, tile_8_wide, tile_9_wide, tile_10_wide, tile_11_wide, tile_12_wide},
    },
    .pack_rows = pack_rows,
    .pack_columns = ck_pack_columns_portable,
};

#endif
