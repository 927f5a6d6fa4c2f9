// The blocked single-precision product and the run-time choice of instruction-set level.
//
// A product of at most CK_STREAM_ROWS rows by a row-major B (one picture through a layer) is
// computed by ck_stream_rows, which reads B once, row after row, in the tiles' order of
// additions. Every other product is computed as D = X·Y by one driver:
//   - X, the "broadcast" operand, is read in place through a row stride and a k stride, so
//     a transposed A costs nothing (its k-th row holds the k-th element of every row of op(A)).
//   - Y, the "vector" operand, is packed one panel (≤ 32 columns × ≤ CK_KC rows of k) at a
//     time into a thread-local buffer, contiguous in k, zero-padded to the panel width; or,
//     when it is row-major and there are only a few row tiles (m ≤ 96, the per-thread batch),
//     read in place, since each panel would then be used too few times to repay the copy
//     (except on the CPUs where reading in place was measured slower; see ck_reading_in_place).
//   - A product with transB is computed transposed, Cᵀ = op(B)ᵀ·op(A)ᵀ, so that the large
//     n×k matrix B becomes X (read in place) and only the small A needs packing; the tile
//     store writes the transpose back into C. Any product is computed transposed when m
//     fills the SIMD lanes better than n (a 10-column C with 32 rows, say).
#include "CKernels.h"
#include "sgemm_internal.h"

#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

// MARK: - Portable level

void ck_store_tile(const float *acc, int acc_stride, const ck_tile *t) {
    for (int r = 0; r < t->rows; r++) {
        for (int j = 0; j < t->cols; j++) {
            float *d = t->transposed_out ? &t->c[(ptrdiff_t)j * t->ldc + r] : &t->c[(ptrdiff_t)r * t->ldc + j];
            float v = acc[r * acc_stride + j];
            if (t->accumulate) v = *d + v;
            if (t->bias) v += t->bias[t->transposed_out ? r : j];
            if (t->relu && v < 0) v = 0; // NaN passes through
            *d = v;
        }
    }
}

void ck_pack_rows_portable(int kc, int cols, const float *src, ptrdiff_t ld, float *panel, int stride) {
    for (int p = 0; p < kc; p++) {
        float *dst = panel + (ptrdiff_t)p * stride;
        memcpy(dst, src + (ptrdiff_t)p * ld, sizeof(float) * (size_t)cols);
        for (int j = cols; j < stride; j++) dst[j] = 0;
    }
}

void ck_pack_columns_portable(int kc, int cols, const float *src, ptrdiff_t ld, float *panel, int stride) {
    for (int j = 0; j < cols; j++) {
        const float *s = src + (ptrdiff_t)j * ld;
        for (int p = 0; p < kc; p++) panel[(ptrdiff_t)p * stride + j] = s[p];
    }
    for (int p = 0; p < kc; p++) {
        for (int j = cols; j < stride; j++) panel[(ptrdiff_t)p * stride + j] = 0;
    }
}

#define CK_PORTABLE_MR 4
#define CK_PORTABLE_NR 16

// Plain loops over a small accumulator block; an optimising compiler vectorises the inner
// loop for whatever SIMD the target has (SSE2, NEON).
static inline void portable_tile(const int rows, const int width, const ck_tile *t) {
    float acc[CK_PORTABLE_MR][CK_PORTABLE_NR];
    for (int r = 0; r < rows; r++) {
        for (int j = 0; j < width; j++) acc[r][j] = 0;
    }
    const float *x = t->x;
    const float *y = t->panel;
    for (int p = 0; p < t->kc; p++) {
        for (int r = 0; r < rows; r++) {
            const float a = x[r * t->xrs];
            for (int j = 0; j < width; j++) acc[r][j] += a * y[j];
        }
        x += t->xks;
        y += t->panel_stride;
    }
    ck_store_tile(&acc[0][0], CK_PORTABLE_NR, t);
}

#define CK_PORTABLE_TILES(rows) \
    static void portable_tile_##rows##_narrow(const ck_tile *t) { portable_tile(rows, CK_PORTABLE_NR / 2, t); } \
    static void portable_tile_##rows##_wide(const ck_tile *t) { portable_tile(rows, CK_PORTABLE_NR, t); }
CK_PORTABLE_TILES(1)
CK_PORTABLE_TILES(2)
CK_PORTABLE_TILES(3)
CK_PORTABLE_TILES(4)

static void optimizer_update_portable(float *w, float *m, float *s, float *a, ptrdiff_t ldw, const float *g, ptrdiff_t ldg,
                                      int rows, int cols, const ck_update *update) {
    ck_update_rows(w, m, s, a, ldw, g, ldg, rows, cols, update);
}

static const ck_level ck_level_portable = {
    .name = "portable",
    .mr_max = CK_PORTABLE_MR,
    .lanes = CK_PORTABLE_NR / 2,
    .nr = CK_PORTABLE_NR,
    // The portable kernels read X through both strides, so they serve either layout.
    .tiles = {
        {
            {NULL, portable_tile_1_narrow, portable_tile_2_narrow, portable_tile_3_narrow, portable_tile_4_narrow},
            {NULL, portable_tile_1_wide, portable_tile_2_wide, portable_tile_3_wide, portable_tile_4_wide},
        },
        {
            {NULL, portable_tile_1_narrow, portable_tile_2_narrow, portable_tile_3_narrow, portable_tile_4_narrow},
            {NULL, portable_tile_1_wide, portable_tile_2_wide, portable_tile_3_wide, portable_tile_4_wide},
        },
    },
    .pack_rows = ck_pack_rows_portable,
    .pack_columns = ck_pack_columns_portable,
    .optimizer_update = optimizer_update_portable,
};

// MARK: - Driver

// One panel of Y per thread: the caller runs one product per thread, and a panel is refilled
// for every (k block, column panel) pair, so it never outlives a call. 32 KiB at CK_KC = 256.
static _Thread_local float ck_panel[CK_KC * CK_NR_MAX] __attribute__((aligned(64)));

// C = act(beta·C + bias) when k is 0: no product, only the epilogue.
static void store_without_product(int m, int n, float *c, ptrdiff_t ldc, bool accumulate,
                                  const float *bias, bool relu) {
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            float *d = &c[(ptrdiff_t)i * ldc + j];
            float v = accumulate ? *d : 0.0f;
            if (bias) v += bias[j];
            if (relu && v < 0) v = 0;
            *d = v;
        }
    }
}

// D (rows × cols) = X·Y, X read in place, Y packed panel by panel; see ck_tile for the layout.
static void drive(const ck_level *level, int rows, int cols, int k,
                  const float *x, ptrdiff_t xrs, ptrdiff_t xks,
                  const float *y, ptrdiff_t yld, bool y_columns,
                  float *c, ptrdiff_t ldc, bool transposed_out, bool accumulate,
                  const float *bias, bool relu) {
    float *panel = ck_panel;
    // Every caller passes X with one unit stride; see ck_tile.
    const int layout = xks == 1 ? CK_X_ROWS : CK_X_COLUMNS;
    const int row_tiles = (rows + level->mr_max - 1) / level->mr_max;
    // Packing a panel costs about as much as one row tile's pass over it, so with only a few
    // row tiles a row-major Y is read where it lies (each tile streams it from L2). Not past one
    // k block, though: a strip read in place is not blocked in k, and a long one (a line per
    // row, at a wide layer's stride a page per row, and at a power-of-two stride all in the same
    // few L1 sets) is gone from L1 before the next row tile comes back to it. On a 1024×1024
    // layer's forward product that halved the kernel's speed; packed, it runs as fast as the
    // small layers' products.
    //
    // Within one k block a panel holds the same numbers in the same order as Y itself, so the
    // two ways give the same bits and the choice can follow the CPU.
    const bool in_place = !y_columns && level->in_place_tiles[0][0][1] != NULL && row_tiles <= CK_IN_PLACE_ROW_TILES
                          && k <= CK_KC && ck_reading_in_place();
    const ck_tile_fn(*tiles)[2][CK_MR_MAX + 1] = in_place ? level->in_place_tiles : level->tiles;
    // k is blocked only to keep a packed panel in cache; a Y read in place is not blocked, which
    // saves re-reading and re-writing C once per block.
    const int k_blocks = in_place ? 1 : (k + CK_KC - 1) / CK_KC;
    int p0 = 0;
    for (int kb = 0; kb < k_blocks; kb++) {
        const int kc = ck_k_block(k, k_blocks, kb, p0);
        const bool last = kb == k_blocks - 1;
        ck_tile t = {
            .kc = kc,
            .xrs = xrs,
            .xks = xks,
            .ldc = ldc,
            .transposed_out = transposed_out,
            .accumulate = accumulate || kb > 0,
            .relu = relu && last,
        };
        for (int j0 = 0; j0 < cols; j0 += level->nr) {
            const int width = cols - j0 < level->nr ? cols - j0 : level->nr;
            const int wide = width > level->lanes;
            if (in_place) {
                t.panel = y + (ptrdiff_t)p0 * yld + j0;
                t.panel_stride = yld;
            } else {
                const int stride = wide ? level->nr : level->lanes;
                t.panel = panel;
                t.panel_stride = stride;
                if (y_columns) {
                    level->pack_columns(kc, width, y + (ptrdiff_t)j0 * yld + p0, yld, panel, stride);
                } else {
                    level->pack_rows(kc, width, y + (ptrdiff_t)p0 * yld + j0, yld, panel, stride);
                }
            }
            t.cols = width;
            // Near-equal row tiles: 32 rows at 12 per tile become 11 + 11 + 10, not 12 + 12 + 8.
            int r0 = 0;
            for (int ti = 0; ti < row_tiles; ti++) {
                const int tile_rows = (rows - r0) / (row_tiles - ti) + ((rows - r0) % (row_tiles - ti) != 0);
                t.rows = tile_rows;
                t.x = x + (ptrdiff_t)r0 * xrs + (ptrdiff_t)p0 * xks;
                t.c = transposed_out ? c + (ptrdiff_t)j0 * ldc + r0 : c + (ptrdiff_t)r0 * ldc + j0;
                t.bias = !(bias && last) ? NULL : transposed_out ? bias + r0 : bias + j0;
                tiles[layout][wide][tile_rows](&t);
                r0 += tile_rows;
            }
        }
        p0 += kc;
    }
}

static void sgemm_at(const ck_level *level, bool transA, bool transB, int m, int n, int k,
                     const float *a, int lda, const float *b, int ldb,
                     float beta, float *c, int ldc, const float *bias, bool relu) {
    if (m <= 0 || n <= 0) return;
    const bool accumulate = beta != 0;
    if (k <= 0) {
        store_without_product(m, n, c, ldc, accumulate, bias, relu);
        return;
    }
    if (!transB && m <= CK_STREAM_ROWS && level->stream_rows) {
        // A few rows by a row-major B: stream B once, row after row; see ck_stream_rows.
        level->stream_rows(m, n, k, a, transA ? 1 : lda, transA ? lda : 1, b, ldb, c, ldc, accumulate, bias, relu);
        return;
    }
    // Vector lanes run along the columns of whichever of C and Cᵀ is computed. By default that
    // is C, except with transB, where computing Cᵀ reads the large B in place and packs only A.
    // A dimension that fills the lanes better wins: C = I·W with 10 columns and 32 rows fills
    // 10 of 16 lanes computed directly, all of them transposed.
    //
    // On a tie, a Y past one k block is packed, at about the cost of one row tile's pass over
    // it. C = I·W with few rows of I and a wide W (a wide layer's forward product on one shard
    // of the batch) would pack all of W to pass over it two or three times. Computed
    // transposed, W is read where it lies, once per panel of I's rows, and only I is packed;
    // that wins when all of I's rows fit one panel, so W is read once. Measured one thread,
    // avx512: 32×1024·1024×1024 went from 70% to 84% of peak, 32×2048·2048×2048 from 58% to
    // 81%; with n only twice m (64×784·784×128) direct stays ahead, 91% to 84%; and at avx2,
    // whose panels hold 16 rows, reading W twice made 32×1024·1024×1024 slower, 79% to 68%.
    // At avx512, reading W twice still beats packing it: the whole batch's 64 rows through a
    // thread's 512-column panel of a wide layer went from 88% to 93% (1024×512) and from 89%
    // to 91% (784×512), and the wide workload's epoch from about 3.6 to 3.4–3.5 s.
    const int lanes_m = (m + level->lanes - 1) / level->lanes, lanes_n = (n + level->lanes - 1) / level->lanes;
    const double use_m = (double)m / lanes_m, use_n = (double)n / lanes_n;
    const int in_place_panels = level->lanes >= 16 ? 2 : 1;
    const bool wide_y = k > CK_KC && m <= in_place_panels * level->nr && n >= 4 * m;
    const bool transposed = use_m > use_n ? true : use_n > use_m ? false : transB || wide_y;
    if (!transposed) {
        // C = op(A)·op(B): X = op(A) in place; Y = B, or the transpose of B packed by columns.
        drive(level, m, n, k, a, transA ? 1 : lda, transA ? lda : 1, b, ldb, transB,
              c, ldc, false, accumulate, bias, relu);
    } else {
        // Cᵀ = op(B)ᵀ·op(A)ᵀ: X = op(B)ᵀ in place (B's rows with transB, its columns
        // without); Y = op(A)ᵀ, which is A's rows with transA and its columns without.
        drive(level, n, m, k, b, transB ? ldb : 1, transB ? 1 : ldb, a, lda, !transA,
              c, ldc, true, accumulate, bias, relu);
    }
}

// MARK: - Choosing a level

#if defined(__x86_64__)
static unsigned long long read_xcr0(void) {
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

// Both the CPU and the operating system (which must save the wider registers on a context
// switch) have to support a level.
static bool cpu_has(const char *name) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool fma = c & (1u << 12), osxsave = c & (1u << 27), avx = c & (1u << 28);
    if (!(fma && osxsave && avx)) return false;
    const unsigned long long xcr0 = read_xcr0();
    if ((xcr0 & 0x6) != 0x6) return false;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const bool avx2 = b & (1u << 5);
    if (strcmp(name, "avx2") == 0) return avx2;
    if (strcmp(name, "avx512") == 0) {
        const bool f = b & (1u << 16), dq = b & (1u << 17), bw = b & (1u << 30), vl = b & (1u << 31);
        return avx2 && f && dq && bw && vl && (xcr0 & 0xE6) == 0xE6;
    }
    return false;
}
#endif

static const ck_level *level_named(const char *name) {
    if (strcmp(name, "portable") == 0) return &ck_level_portable;
#if defined(__x86_64__)
    if (strcmp(name, "avx512") == 0 && cpu_has("avx512")) return &ck_level_avx512;
    if (strcmp(name, "avx2") == 0 && cpu_has("avx2")) return &ck_level_avx2;
#endif
    return NULL;
}

// The automatic choice is computed once and cached in an atomic, so concurrent first callers
// see either nothing or the whole answer. A forced level belongs to the thread that forced
// it, so a test that forces one cannot change the arithmetic of work on other threads.
static _Atomic(const ck_level *) automatic_level;
static _Thread_local const ck_level *forced_level;

const ck_level *ck_current_level(void) {
    if (forced_level) return forced_level;
    const ck_level *level = atomic_load_explicit(&automatic_level, memory_order_acquire);
    if (level) return level;
    static const char *const preference[] = {"avx512", "avx2", "portable"};
    for (size_t i = 0; !level; i++) level = level_named(preference[i]);
    // Racing first callers compute the same answer, so whichever store lands is right.
    atomic_store_explicit(&automatic_level, level, memory_order_release);
    return level;
}

// MARK: - Reading Y in place or packing it

#if defined(__x86_64__)
ck_vendor ck_cpu_vendor(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return CK_VENDOR_OTHER;
    // The vendor string is EBX, EDX, ECX: "GenuineIntel" or "AuthenticAMD".
    if (b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e) return CK_VENDOR_INTEL;
    if (b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163) return CK_VENDOR_AMD;
    return CK_VENDOR_OTHER;
}

// On the first Zen cores (AMD family 17h before model 30h: Zen and Zen+, whose AVX2 runs as
// two 128-bit halves) the in-place tiles ran at half the packed ones' speed. Measured with
// bench_sgemm avx2 on an EPYC of family 17h model 01h, best of five runs each: the forward
// 32×256·256×128 at 13.3 GFLOP/s in place against 28.0 packed, dW (64×48)ᵀ·64×1024 at 14.1
// against 28.8; the reference workload's epochs took a median of 3.72 s against 2.43 s. On
// Intel's AVX-512 cores and on Zen 4, reading in place was the faster way, so it stays the default.
static bool cpu_prefers_packing(void) {
    unsigned int a, b, c, d;
    if (ck_cpu_vendor() != CK_VENDOR_AMD || !__get_cpuid(1, &a, &b, &c, &d)) return false;
    const unsigned int family = ((a >> 8) & 0xf) + ((a >> 20) & 0xff);
    const unsigned int model = ((a >> 4) & 0xf) | ((a >> 12) & 0xf0);
    return family == 0x17 && model < 0x30;
}
#else
ck_vendor ck_cpu_vendor(void) { return CK_VENDOR_OTHER; }
static bool cpu_prefers_packing(void) { return false; }
#endif

// As for the level: the CPU's answer, cached once, and a forced answer belonging to the thread
// that forced it.
static atomic_int automatic_reading;
static _Thread_local int forced_reading;

static bool cpu_reads_in_place(void) { return !cpu_prefers_packing(); }

bool ck_reading_in_place(void) { return ck_choice(forced_reading, &automatic_reading, cpu_reads_in_place); }

// MARK: - Public entry points

void ck_sgemm(bool transA, bool transB, int m, int n, int k,
              const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc) {
    sgemm_at(ck_current_level(), transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc, NULL, false);
}

void ck_sgemm_bias_act(bool transA, bool transB, int m, int n, int k,
                       const float *a, int lda, const float *b, int ldb,
                       float beta, float *c, int ldc, const float *bias, bool relu) {
    sgemm_at(ck_current_level(), transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc, bias, relu);
}

const char *ck_kernel_level(void) { return ck_current_level()->name; }

bool ck_force_kernel_level(const char *level) {
    if (level == NULL) {
        forced_level = NULL;
        return true;
    }
    const ck_level *found = level_named(level);
    if (found) forced_level = found;
    return found != NULL;
}

void ck_force_reading_in_place(int read_in_place) { forced_reading = ck_forced_choice(read_in_place); }
