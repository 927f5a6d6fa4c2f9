// AVX2+FMA micro-kernels: a tile of up to 6 rows × 16 columns lives in 12 ymm accumulators
// (of the 16 registers, the rest hold two panel vectors and a broadcast). Full-width tiles
// are stored with vector instructions; column edges and transposed stores go through the
// scalar tile store.
#if defined(__x86_64__)

#include "sgemm_internal.h"

#include <immintrin.h>

#define CK_TARGET __attribute__((target("avx2,fma")))
#define CK_INLINE static inline __attribute__((always_inline))

enum { LANES = 8, MR = 6 };

CK_INLINE CK_TARGET void tile(const int rows, const int vectors, const ck_tile *t) {
    __m256 acc[MR][2];
    for (int r = 0; r < rows; r++) {
        acc[r][0] = _mm256_setzero_ps();
        acc[r][1] = _mm256_setzero_ps();
    }
    const float *x = t->x;
    const ptrdiff_t xrs = t->xrs, xks = t->xks;
    const float *y = t->panel;
    for (int p = 0; p < t->kc; p++) {
        const __m256 y0 = _mm256_load_ps(y);
        const __m256 y1 = vectors > 1 ? _mm256_load_ps(y + LANES) : y0;
        for (int r = 0; r < rows; r++) {
            const __m256 a = _mm256_broadcast_ss(&x[r * xrs]);
            acc[r][0] = _mm256_fmadd_ps(a, y0, acc[r][0]);
            if (vectors > 1) acc[r][1] = _mm256_fmadd_ps(a, y1, acc[r][1]);
        }
        x += xks;
        y += vectors * LANES;
    }

    if (!t->transposed_out && t->cols == vectors * LANES) {
        const __m256 zero = _mm256_setzero_ps();
        for (int r = 0; r < rows; r++) {
            float *d = t->c + r * t->ldc;
            for (int v = 0; v < vectors; v++) {
                __m256 sum = acc[r][v];
                if (t->accumulate) sum = _mm256_add_ps(_mm256_loadu_ps(d + v * LANES), sum);
                if (t->bias) sum = _mm256_add_ps(sum, _mm256_loadu_ps(t->bias + v * LANES));
                if (t->relu) sum = _mm256_max_ps(zero, sum);
                _mm256_storeu_ps(d + v * LANES, sum);
            }
        }
    } else {
        float spill[MR * 2 * LANES] __attribute__((aligned(32)));
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < vectors; v++) _mm256_store_ps(spill + (r * 2 + v) * LANES, acc[r][v]);
        }
        ck_store_tile(spill, 2 * LANES, t);
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

const ck_level ck_level_avx2 = {
    .name = "avx2",
    .mr_max = MR,
    .lanes = LANES,
    .nr = 2 * LANES,
    .tiles = {
        {
            {NULL, tile_1_narrow, tile_2_narrow, tile_3_narrow, tile_4_narrow, tile_5_narrow, tile_6_narrow},
            {NULL, tile_1_wide, tile_2_wide, tile_3_wide, tile_4_wide, tile_5_wide, tile_6_wide},
        },
        {
            {NULL, tile_1_narrow, tile_2_narrow, tile_3_narrow, tile_4_narrow, tile_5_narrow, tile_6_narrow},
            {NULL, tile_1_wide, tile_2_wide, tile_3_wide, tile_4_wide, tile_5_wide, tile_6_wide},
        },
    },
    .pack_rows = ck_pack_rows_portable,
    .pack_columns = ck_pack_columns_portable,
};

#endif
