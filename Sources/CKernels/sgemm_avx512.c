// AVX-512 micro-kernels: a tile of up to 12 rows × 32 columns lives in 24 zmm accumulators;
// each step of k loads two vectors of the packed panel and broadcasts one X element per row.
// Column edges use AVX-512 masks, so partial panels need no scalar path.
#if defined(__x86_64__)

#include "sgemm_internal.h"

#include <immintrin.h>

#define CK_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma")))
#define CK_INLINE static inline __attribute__((always_inline))

enum { LANES = 16, MR = 12 };
#ifndef CK_AVX512_MR
#define CK_AVX512_MR MR
#endif

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

// Writes `sum` through the epilogue to the lanes of d that `m` selects.
CK_INLINE CK_TARGET void store_epilogue(float *d, __mmask16 m, __m512 sum, __m512 bias, const ck_tile *t) {
    const __m512 old = t->accumulate ? _mm512_maskz_loadu_ps(m, d) : _mm512_setzero_ps();
    _mm512_mask_storeu_ps(d, m, epilogue(sum, old, bias, t));
}

// Asks for the cache line holding x[offset] to be brought into L1. A prefetch cannot fault,
// so the last steps of a tile may ask for rows past the end of X; the address is formed as an
// integer because a pointer may not point there.
CK_INLINE CK_TARGET void prefetch_row(const float *x, ptrdiff_t offset) {
    _mm_prefetch((const char *)((uintptr_t)x + (uintptr_t)(offset * (ptrdiff_t)sizeof(float))), _MM_HINT_T0);
}

// Transposes the 16×16 block held in v[0..15] (row i in v[i]) in place: interleave pairs of
// rows, then pairs of pairs, then swap 128-bit lanes in two rounds. 64 shuffles.
CK_INLINE CK_TARGET void transpose16(__m512 v[16]) {
    __m512 t[16], s[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(v[2 * i], v[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(v[2 * i], v[2 * i + 1]);
    }
    // s[4q + c], 128-bit lane L: column 4L + c of rows 4q ..< 4q + 4.
    for (int q = 0; q < 4; q++) {
        const __m512d lo0 = _mm512_castps_pd(t[4 * q]), lo1 = _mm512_castps_pd(t[4 * q + 2]);
        const __m512d hi0 = _mm512_castps_pd(t[4 * q + 1]), hi1 = _mm512_castps_pd(t[4 * q + 3]);
        s[4 * q] = _mm512_castpd_ps(_mm512_unpacklo_pd(lo0, lo1));
        s[4 * q + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(lo0, lo1));
        s[4 * q + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(hi0, hi1));
        s[4 * q + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(hi0, hi1));
    }
    // Row 4L + c of the result gathers lane L of s[c], s[4 + c], s[8 + c], s[12 + c].
    for (int c = 0; c < 4; c++) {
        const __m512 a = _mm512_shuffle_f32x4(s[c], s[4 + c], 0x44), b = _mm512_shuffle_f32x4(s[c], s[4 + c], 0xEE);
        const __m512 e = _mm512_shuffle_f32x4(s[8 + c], s[12 + c], 0x44), f = _mm512_shuffle_f32x4(s[8 + c], s[12 + c], 0xEE);
        v[c] = _mm512_shuffle_f32x4(a, e, 0x88);
        v[4 + c] = _mm512_shuffle_f32x4(a, e, 0xDD);
        v[8 + c] = _mm512_shuffle_f32x4(b, f, 0x88);
        v[12 + c] = _mm512_shuffle_f32x4(b, f, 0xDD);
    }
}

// The accumulators are named variables, one pair per row, rather than an array: an array
// indexed in loops is not reliably kept in registers across the unrolled k loop.
#define CK_FOR_ROWS(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11)
#define CK_DECLARE(r) __m512 acc##r##_0 = _mm512_setzero_ps(), acc##r##_1 = _mm512_setzero_ps();
#define CK_SAVE(r) \
    if (r < rows) acc[r][0] = acc##r##_0, acc[r][1] = acc##r##_1;

// One step of k: the panel row at Y times X(r, ·), which ELEMENT(r) names, for every row.
//
// The empty asm statements after each row's FMAs fix the order in which rows are emitted.
// Without them the scheduler hoists all broadcasts of a step above its FMAs, which needs
// more than the 32 vector registers and spills accumulators inside the loop; the CPU's
// out-of-order engine overlaps the rows anyway.
#define CK_ROW_FMA(r)                                                     \
    if (r < rows) {                                                       \
        const __m512 a = _mm512_set1_ps(ELEMENT(r));                      \
        acc##r##_0 = _mm512_fmadd_ps(a, y0, acc##r##_0);                  \
        if (vectors > 1) {                                                \
            acc##r##_1 = _mm512_fmadd_ps(a, y1, acc##r##_1);              \
            __asm__ volatile("" : "+v"(acc##r##_0), "+v"(acc##r##_1));    \
        } else {                                                          \
            __asm__ volatile("" : "+v"(acc##r##_0));                      \
        }                                                                 \
    }
#define CK_STEP(Y)                                                                       \
    do {                                                                                 \
        const __m512 y0 = packed ? _mm512_load_ps(Y) : _mm512_maskz_loadu_ps(ymask0, Y); \
        const __m512 y1 = vectors == 1 ? y0                                              \
                          : packed     ? _mm512_load_ps((Y) + LANES)                     \
                                       : _mm512_maskz_loadu_ps(ymask1, (Y) + LANES);     \
        CK_FOR_ROWS(CK_ROW_FMA)                                                          \
    } while (0)

// `rows`, `vectors`, `layout` and `packed` are compile-time constants at every call, so the
// tests on them fold away. With `packed`, Y is an aligned panel `vectors` × 16 floats wide;
// without, Y is read in place (row stride `panel_stride`) through masks for the last columns.
// The k loop is unrolled by four and every X address is a base register plus a scaled stride
// plus a constant, so no chain of pointer increments limits the loop (a serial add per row
// would cost as much as the FMAs).
CK_INLINE CK_TARGET void tile(const int rows, const int vectors, const int layout, const int packed,
                              const ck_tile *description) {
    // A local copy, so that stores to C cannot be assumed to change the fields.
    const ck_tile local = *description;
    const ck_tile *const t = &local;
    CK_FOR_ROWS(CK_DECLARE)
    const float *y = t->panel;
    const int kc = t->kc;
    const ptrdiff_t step = packed ? vectors * LANES : t->panel_stride;
    const __mmask16 ymask0 = mask_first(t->cols), ymask1 = mask_first(t->cols - LANES);
    int p = 0;
    if (layout == CK_X_ROWS) {
        // X(r, p) = x[r*rs + p]: rows 0-3, 4-7 and 8-11 hang off three bases.
        const ptrdiff_t rs = t->xrs;
        const float *x0 = t->x, *x4 = x0 + 4 * rs, *x8 = x0 + 8 * rs;
#define CK_ROW_BASE(r) ((r) < 4 ? x0 : (r) < 8 ? x4 : x8)[((r) & 3) * rs
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
            x0 += 4, x4 += 4, x8 += 4;
            y += 4 * step;
        }
        for (; p < kc; p++) {
#define ELEMENT(r) CK_ROW_BASE(r)]
            CK_STEP(y);
#undef ELEMENT
            x0 += 1, x4 += 1, x8 += 1;
            y += step;
        }
#undef CK_ROW_BASE
    } else {
        // X(r, p) = x[p*ks + r]: the rows of one step are adjacent.
        const ptrdiff_t ks = t->xks;
        const float *x = t->x;
        for (; p + 4 <= kc; p += 4) {
            // Each step reads a few floats from a different row of X, a page apart in a wide
            // layer's weights (Wᵀ of the forward product, computed transposed), where the
            // hardware prefetchers do not follow. Asking for the row 32 steps ahead took a
            // 32-row shard's forward product through a 1024×1024 layer from 48–63% to 67–69% of
            // one Intel core's peak, and the wide workload's epoch (784-1024-1024-10, Adam, two
            // threads) from 3.72–4.01 s to 3.54–3.63 s in alternating runs.
            prefetch_row(x, 32 * ks);
            prefetch_row(x, 33 * ks);
            prefetch_row(x, 34 * ks);
            prefetch_row(x, 35 * ks);
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
    const __m512 zero = _mm512_setzero_ps();
    if (!t->transposed_out) {
        // Straight from the named accumulators; the plain overwrite (the common case) is
        // a bare store per vector, which matters when k is short (32 steps for Iᵀ·dZ).
        float *c = t->c;
        const ptrdiff_t ldc = t->ldc;
        const __mmask16 m0 = mask_first(t->cols), m1 = mask_first(t->cols - LANES);
        if (!t->accumulate && !t->bias && !t->relu) {
#define CK_STORE(r)                                                                        \
    if (r < rows) {                                                                        \
        _mm512_mask_storeu_ps(c + r * ldc, m0, acc##r##_0);                                \
        if (vectors > 1) _mm512_mask_storeu_ps(c + r * ldc + LANES, m1, acc##r##_1);       \
    }
            CK_FOR_ROWS(CK_STORE)
#undef CK_STORE
        } else {
            const __m512 bias0 = t->bias ? _mm512_maskz_loadu_ps(m0, t->bias) : zero;
            const __m512 bias1 = t->bias && vectors > 1 ? _mm512_maskz_loadu_ps(m1, t->bias + LANES) : zero;
#define CK_STORE(r)                                                                        \
    if (r < rows) {                                                                        \
        store_epilogue(c + r * ldc, m0, acc##r##_0, bias0, t);                             \
        if (vectors > 1) store_epilogue(c + r * ldc + LANES, m1, acc##r##_1, bias1, t);    \
    }
            CK_FOR_ROWS(CK_STORE)
#undef CK_STORE
        }
    } else {
        __m512 acc[MR][2];
        CK_FOR_ROWS(CK_SAVE)
        // Tile row r is destination column r: transpose each 16-column half of the tile in
        // registers, then destination row j takes the first `rows` lanes of vector j.
        const __mmask16 m = mask_first(rows);
        const __m512 bias = t->bias ? _mm512_maskz_loadu_ps(m, t->bias) : zero;
        for (int v = 0; v < vectors; v++) {
            __m512 block[16];
            for (int r = 0; r < 16; r++) block[r] = r < rows ? acc[r][v] : zero;
            transpose16(block);
            const int count = t->cols - v * LANES < LANES ? t->cols - v * LANES : LANES;
            for (int j = 0; j < count; j++) {
                float *d = t->c + (v * LANES + j) * t->ldc;
                const __m512 old = t->accumulate ? _mm512_maskz_loadu_ps(m, d) : zero;
                _mm512_mask_storeu_ps(d, m, epilogue(block[j], old, bias, t));
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

// The transpose of a row-major block, 16×16 at a time through transpose16: panel row p holds
// src[j*ld + p] for j < cols. Used for A when a product with transB is computed transposed.
static CK_TARGET void pack_columns(int kc, int cols, const float *src, ptrdiff_t ld, float *panel, int stride) {
    const __m512 zero = _mm512_setzero_ps();
    for (int j0 = 0; j0 < stride; j0 += LANES) {
        for (int p0 = 0; p0 < kc; p0 += LANES) {
            const __mmask16 m = mask_first(kc - p0);
            __m512 block[16];
            for (int j = 0; j < 16; j++) {
                block[j] = j0 + j < cols ? _mm512_maskz_loadu_ps(m, src + (ptrdiff_t)(j0 + j) * ld + p0) : zero;
            }
            transpose16(block);
            const int count = kc - p0 < LANES ? kc - p0 : LANES;
            for (int p = 0; p < count; p++) _mm512_store_ps(panel + (ptrdiff_t)(p0 + p) * stride + j0, block[p]);
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

const ck_level ck_level_avx512 = {
    .name = "avx512",
    .mr_max = CK_AVX512_MR,
    .lanes = LANES,
    .nr = 2 * LANES,
    .tiles = {
        {
            {NULL, tile_1_rows_narrow, tile_2_rows_narrow, tile_3_rows_narrow, tile_4_rows_narrow, tile_5_rows_narrow, tile_6_rows_narrow, tile_7_rows_narrow, tile_8_rows_narrow, tile_9_rows_narrow, tile_10_rows_narrow, tile_11_rows_narrow, tile_12_rows_narrow},
            {NULL, tile_1_rows_wide, tile_2_rows_wide, tile_3_rows_wide, tile_4_rows_wide, tile_5_rows_wide, tile_6_rows_wide, tile_7_rows_wide, tile_8_rows_wide, tile_9_rows_wide, tile_10_rows_wide, tile_11_rows_wide, tile_12_rows_wide},
        },
        {
            {NULL, tile_1_columns_narrow, tile_2_columns_narrow, tile_3_columns_narrow, tile_4_columns_narrow, tile_5_columns_narrow, tile_6_columns_narrow, tile_7_columns_narrow, tile_8_columns_narrow, tile_9_columns_narrow, tile_10_columns_narrow, tile_11_columns_narrow, tile_12_columns_narrow},
            {NULL, tile_1_columns_wide, tile_2_columns_wide, tile_3_columns_wide, tile_4_columns_wide, tile_5_columns_wide, tile_6_columns_wide, tile_7_columns_wide, tile_8_columns_wide, tile_9_columns_wide, tile_10_columns_wide, tile_11_columns_wide, tile_12_columns_wide},
        },
    },
    .in_place_tiles = {
        {
            {NULL, tile_1_rows_narrow_in_place, tile_2_rows_narrow_in_place, tile_3_rows_narrow_in_place, tile_4_rows_narrow_in_place, tile_5_rows_narrow_in_place, tile_6_rows_narrow_in_place, tile_7_rows_narrow_in_place, tile_8_rows_narrow_in_place, tile_9_rows_narrow_in_place, tile_10_rows_narrow_in_place, tile_11_rows_narrow_in_place, tile_12_rows_narrow_in_place},
            {NULL, tile_1_rows_wide_in_place, tile_2_rows_wide_in_place, tile_3_rows_wide_in_place, tile_4_rows_wide_in_place, tile_5_rows_wide_in_place, tile_6_rows_wide_in_place, tile_7_rows_wide_in_place, tile_8_rows_wide_in_place, tile_9_rows_wide_in_place, tile_10_rows_wide_in_place, tile_11_rows_wide_in_place, tile_12_rows_wide_in_place},
        },
        {
            {NULL, tile_1_columns_narrow_in_place, tile_2_columns_narrow_in_place, tile_3_columns_narrow_in_place, tile_4_columns_narrow_in_place, tile_5_columns_narrow_in_place, tile_6_columns_narrow_in_place, tile_7_columns_narrow_in_place, tile_8_columns_narrow_in_place, tile_9_columns_narrow_in_place, tile_10_columns_narrow_in_place, tile_11_columns_narrow_in_place, tile_12_columns_narrow_in_place},
            {NULL, tile_1_columns_wide_in_place, tile_2_columns_wide_in_place, tile_3_columns_wide_in_place, tile_4_columns_wide_in_place, tile_5_columns_wide_in_place, tile_6_columns_wide_in_place, tile_7_columns_wide_in_place, tile_8_columns_wide_in_place, tile_9_columns_wide_in_place, tile_10_columns_wide_in_place, tile_11_columns_wide_in_place, tile_12_columns_wide_in_place},
        },
    },
    .pack_rows = pack_rows,
    .pack_columns = pack_columns,
    .optimizer_update = optimizer_update,
    .stream_rows = stream_rows,
};

#endif
