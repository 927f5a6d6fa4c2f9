// AVX2+FMA micro-kernels: a tile of up to 6 rows × 16 columns lives in 12 ymm accumulators
// (of the 16 registers, the rest hold two panel vectors and a broadcast). The structure is
// that of the AVX-512 kernels (see sgemm_avx512.c for why the loop looks the way it does);
// column edges use AVX2 masked loads and stores, and transposed stores and packs transpose
// 8×8 blocks in registers.
#if defined(__x86_64__)

#include "sgemm_internal.h"

#include <immintrin.h>

#define CK_TARGET __attribute__((target("avx2,fma")))
#define CK_INLINE static inline __attribute__((always_inline))

enum { LANES = 8, MR = 6 };

// Lane i is selected when i < count.
CK_INLINE CK_TARGET __m256i mask_first(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Transposes the 8×8 block held in v[0..7] (row i in v[i]) in place. 24 shuffles.
CK_INLINE CK_TARGET void transpose8(__m256 v[8]) {
    __m256 t[8], s[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(v[2 * i], v[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(v[2 * i], v[2 * i + 1]);
    }
    // s[4h + c], 128-bit lane L: column 4L + c of rows 4h ..< 4h + 4.
    for (int h = 0; h < 2; h++) {
        s[4 * h] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0x44);
        s[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0xEE);
        s[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0x44);
        s[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0xEE);
    }
    for (int c = 0; c < 4; c++) {
        v[c] = _mm256_permute2f128_ps(s[c], s[4 + c], 0x20);
        v[4 + c] = _mm256_permute2f128_ps(s[c], s[4 + c], 0x31);
    }
}

CK_INLINE CK_TARGET __m256 epilogue(__m256 sum, __m256 old, __m256 bias, const ck_tile *t) {
    if (t->accumulate) sum = _mm256_add_ps(old, sum);
    if (t->bias) sum = _mm256_add_ps(sum, bias);
    // max(0, NaN) is NaN with the operands in this order, like the scalar path.
    if (t->relu) sum = _mm256_max_ps(_mm256_setzero_ps(), sum);
    return sum;
}

#define CK_FOR_ROWS(M) M(0) M(1) M(2) M(3) M(4) M(5)
#define CK_DECLARE(r) __m256 acc##r##_0 = _mm256_setzero_ps(), acc##r##_1 = _mm256_setzero_ps();
#define CK_SAVE(r) \
    if (r < rows) acc[r][0] = acc##r##_0, acc[r][1] = acc##r##_1;

#define CK_ROW_FMA(r)                                                     \
    if (r < rows) {                                                       \
        const __m256 a = _mm256_broadcast_ss(&(ELEMENT(r)));              \
        acc##r##_0 = _mm256_fmadd_ps(a, y0, acc##r##_0);                  \
        if (vectors > 1) {                                                \
            acc##r##_1 = _mm256_fmadd_ps(a, y1, acc##r##_1);              \
            __asm__ volatile("" : "+x"(acc##r##_0), "+x"(acc##r##_1));    \
        } else {                                                          \
            __asm__ volatile("" : "+x"(acc##r##_0));                      \
        }                                                                 \
    }
#define CK_STEP(Y)                                                                        \
    do {                                                                                  \
        const __m256 y0 = packed ? _mm256_load_ps(Y) : _mm256_maskload_ps(Y, ymask0);     \
        const __m256 y1 = vectors == 1 ? y0                                               \
                          : packed     ? _mm256_load_ps((Y) + LANES)                      \
                                       : _mm256_maskload_ps((Y) + LANES, ymask1);         \
        CK_FOR_ROWS(CK_ROW_FMA)                                                           \
    } while (0)

CK_INLINE CK_TARGET void tile(const int rows, const int vectors, const int layout, const int packed,
                              const ck_tile *description) {
    // A local copy, so that stores to C cannot be assumed to change the fields.
    const ck_tile local = *description;
    const ck_tile *const t = &local;
    CK_FOR_ROWS(CK_DECLARE)
    const float *y = t->panel;
    const int kc = t->kc;
    const ptrdiff_t step = packed ? vectors * LANES : t->panel_stride;
    const __m256i ymask0 = mask_first(t->cols), ymask1 = mask_first(t->cols - LANES);
    int p = 0;
    if (layout == CK_X_ROWS) {
        // X(r, p) = x[r*rs + p]: rows 0-2 and 3-5 hang off two bases.
        const ptrdiff_t rs = t->xrs;
        const float *x0 = t->x, *x3 = x0 + 3 * rs;
#define CK_ROW_BASE(r) ((r) < 3 ? x0 : x3)[((r) % 3) * rs
        for (; p + 4 <= kc; p += 4) {
#define ELEMENT(r) CK_ROW_BASE(r)]
            CK_STEP(y);
#undef ELEMENT
#define ELEMENT(r) CK_ROW_BASE(r) + 1]
            CK_STEP(y + step);
#undef ELEMENT
#define ELEMENT(r) CK_ROW_BASE(r) + 2]
            CK_STEP(y + 2 * step);
#undef ELEMENT
#define ELEMENT(r) CK_ROW_BASE(r) + 3]
            CK_STEP(y + 3 * step);
#undef ELEMENT
            x0 += 4, x3 += 4;
            y += 4 * step;
        }
        for (; p < kc; p++) {
#define ELEMENT(r) CK_ROW_BASE(r)]
            CK_STEP(y);
#undef ELEMENT
            x0 += 1, x3 += 1;
            y += step;
        }
#undef CK_ROW_BASE
    } else {
        // X(r, p) = x[p*ks + r]: the rows of one step are adjacent.
        const ptrdiff_t ks = t->xks;
        const float *x = t->x;
        for (; p + 4 <= kc; p += 4) {
#define ELEMENT(r) x[r]
            CK_STEP(y);
#undef ELEMENT
#define ELEMENT(r) x[ks + r]
            CK_STEP(y + step);
#undef ELEMENT
#define ELEMENT(r) x[2 * ks + r]
            CK_STEP(y + 2 * step);
#undef ELEMENT
#define ELEMENT(r) x[3 * ks + r]
            CK_STEP(y + 3 * step);
#undef ELEMENT
            x += 4 * ks;
            y += 4 * step;
        }
        for (; p < kc; p++) {
#define ELEMENT(r) x[r]
            CK_STEP(y);
#undef ELEMENT
            x += ks;
            y += step;
        }
    }
    const __m256 zero = _mm256_setzero_ps();
    if (!t->transposed_out) {
        float *c = t->c;
        const ptrdiff_t ldc = t->ldc;
        if (!t->accumulate && !t->bias && !t->relu && t->cols == vectors * LANES) {
            // The common case, straight from the named accumulators.
#define CK_STORE(r)                                                                  \
    if (r < rows) {                                                                  \
        _mm256_storeu_ps(c + r * ldc, acc##r##_0);                                   \
        if (vectors > 1) _mm256_storeu_ps(c + r * ldc + LANES, acc##r##_1);          \
    }
            CK_FOR_ROWS(CK_STORE)
#undef CK_STORE
        } else {
            __m256 acc[MR][2];
            CK_FOR_ROWS(CK_SAVE)
            const __m256i masks[2] = {mask_first(t->cols), mask_first(t->cols - LANES)};
            for (int r = 0; r < rows; r++) {
                float *d = c + r * ldc;
                for (int v = 0; v < vectors; v++) {
                    const __m256i m = masks[v];
                    const __m256 old = t->accumulate ? _mm256_maskload_ps(d + v * LANES, m) : zero;
                    const __m256 bias = t->bias ? _mm256_maskload_ps(t->bias + v * LANES, m) : zero;
                    _mm256_maskstore_ps(d + v * LANES, m, epilogue(acc[r][v], old, bias, t));
                }
            }
        }
    } else {
        __m256 acc[MR][2];
        CK_FOR_ROWS(CK_SAVE)
        // Tile row r is destination column r: transpose each 8-column part of the tile in
        // registers, then destination row j takes the first `rows` lanes of vector j.
        const __m256i m = mask_first(rows);
        const __m256 bias = t->bias ? _mm256_maskload_ps(t->bias, m) : zero;
        for (int v = 0; v < vectors; v++) {
            __m256 block[8];
            for (int r = 0; r < 8; r++) block[r] = r < rows ? acc[r][v] : zero;
            transpose8(block);
            const int count = t->cols - v * LANES < LANES ? t->cols - v * LANES : LANES;
            for (int j = 0; j < count; j++) {
                float *d = t->c + (v * LANES + j) * t->ldc;
                const __m256 old = t->accumulate ? _mm256_maskload_ps(d, m) : zero;
                _mm256_maskstore_ps(d, m, epilogue(block[j], old, bias, t));
            }
        }
    }
}

#define CK_TILES(rows)                                                                                   \
    static CK_TARGET void tile_##rows##_rows_narrow(const ck_tile *t) { tile(rows, 1, CK_X_ROWS, 1, t); }       \
    static CK_TARGET void tile_##rows##_rows_wide(const ck_tile *t) { tile(rows, 2, CK_X_ROWS, 1, t); }         \
    static CK_TARGET void tile_##rows##_columns_narrow(const ck_tile *t) { tile(rows, 1, CK_X_COLUMNS, 1, t); } \
    static CK_TARGET void tile_##rows##_columns_wide(const ck_tile *t) { tile(rows, 2, CK_X_COLUMNS, 1, t); }   \
    static CK_TARGET void tile_##rows##_rows_narrow_in_place(const ck_tile *t) {                               \
        tile(rows, 1, CK_X_ROWS, 0, t);                                                                        \
    }                                                                                                          \
    static CK_TARGET void tile_##rows##_rows_wide_in_place(const ck_tile *t) { tile(rows, 2, CK_X_ROWS, 0, t); } \
    static CK_TARGET void tile_##rows##_columns_narrow_in_place(const ck_tile *t) {                            \
        tile(rows, 1, CK_X_COLUMNS, 0, t);                                                                     \
    }                                                                                                          \
    static CK_TARGET void tile_##rows##_columns_wide_in_place(const ck_tile *t) {                              \
        tile(rows, 2, CK_X_COLUMNS, 0, t);                                                                     \
    }
CK_TILES(1)
CK_TILES(2)
CK_TILES(3)
CK_TILES(4)
CK_TILES(5)
CK_TILES(6)

static CK_TARGET void pack_rows(int kc, int cols, const float *src, ptrdiff_t ld, float *panel, int stride) {
    const __m256i m0 = mask_first(cols), m1 = mask_first(cols - LANES);
    for (int p = 0; p < kc; p++) {
        const float *s = src + p * ld;
        float *d = panel + (ptrdiff_t)p * stride;
        _mm256_store_ps(d, _mm256_maskload_ps(s, m0));
        if (stride > LANES) _mm256_store_ps(d + LANES, _mm256_maskload_ps(s + LANES, m1));
    }
}

// The transpose of a row-major block, 8×8 at a time through transpose8: panel row p holds
// src[j*ld + p] for j < cols.
static CK_TARGET void pack_columns(int kc, int cols, const float *src, ptrdiff_t ld, float *panel, int stride) {
    const __m256 zero = _mm256_setzero_ps();
    for (int j0 = 0; j0 < stride; j0 += LANES) {
        for (int p0 = 0; p0 < kc; p0 += LANES) {
            const __m256i m = mask_first(kc - p0);
            __m256 block[8];
            for (int j = 0; j < 8; j++) {
                block[j] = j0 + j < cols ? _mm256_maskload_ps(src + (ptrdiff_t)(j0 + j) * ld + p0, m) : zero;
            }
            transpose8(block);
            const int count = kc - p0 < LANES ? kc - p0 : LANES;
            for (int p = 0; p < count; p++) _mm256_store_ps(panel + (ptrdiff_t)(p0 + p) * stride + j0, block[p]);
        }
    }
}

static CK_TARGET void optimizer_update(float *w, float *m, float *s, float *a, ptrdiff_t ldw, const float *g, ptrdiff_t ldg,
                                       int rows, int cols, const ck_update *update) {
    ck_update_rows(w, m, s, a, ldw, g, ldg, rows, cols, update);
}

static CK_TARGET void stream_rows(int rows, int cols, int k, const float *x, ptrdiff_t xrs, ptrdiff_t xks,
                                  const float *y, ptrdiff_t yld, float *c, ptrdiff_t ldc, bool accumulate,
                                  const float *bias, bool relu) {
    ck_stream_rows(rows, cols, k, x, xrs, xks, y, yld, c, ldc, accumulate, bias, relu);
}

const ck_level ck_level_avx2 = {
    .name = "avx2",
    .mr_max = MR,
    .lanes = LANES,
    .nr = 2 * LANES,
    .tiles = {
        {
            {NULL, tile_1_rows_narrow, tile_2_rows_narrow, tile_3_rows_narrow, tile_4_rows_narrow, tile_5_rows_narrow, tile_6_rows_narrow},
            {NULL, tile_1_rows_wide, tile_2_rows_wide, tile_3_rows_wide, tile_4_rows_wide, tile_5_rows_wide, tile_6_rows_wide},
        },
        {
            {NULL, tile_1_columns_narrow, tile_2_columns_narrow, tile_3_columns_narrow, tile_4_columns_narrow, tile_5_columns_narrow, tile_6_columns_narrow},
            {NULL, tile_1_columns_wide, tile_2_columns_wide, tile_3_columns_wide, tile_4_columns_wide, tile_5_columns_wide, tile_6_columns_wide},
        },
    },
    .in_place_tiles = {
        {
            {NULL, tile_1_rows_narrow_in_place, tile_2_rows_narrow_in_place, tile_3_rows_narrow_in_place, tile_4_rows_narrow_in_place, tile_5_rows_narrow_in_place, tile_6_rows_narrow_in_place},
            {NULL, tile_1_rows_wide_in_place, tile_2_rows_wide_in_place, tile_3_rows_wide_in_place, tile_4_rows_wide_in_place, tile_5_rows_wide_in_place, tile_6_rows_wide_in_place},
        },
        {
            {NULL, tile_1_columns_narrow_in_place, tile_2_columns_narrow_in_place, tile_3_columns_narrow_in_place, tile_4_columns_narrow_in_place, tile_5_columns_narrow_in_place, tile_6_columns_narrow_in_place},
            {NULL, tile_1_columns_wide_in_place, tile_2_columns_wide_in_place, tile_3_columns_wide_in_place, tile_4_columns_wide_in_place, tile_5_columns_wide_in_place, tile_6_columns_wide_in_place},
        },
    },
    .pack_rows = pack_rows,
    .pack_columns = pack_columns,
    .optimizer_update = optimizer_update,
    .stream_rows = stream_rows,
};

#endif
