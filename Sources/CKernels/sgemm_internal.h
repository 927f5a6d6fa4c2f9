// Shared between the blocked driver (sgemm.c) and the instruction-set specific micro-kernels
// (sgemm_avx512.c, sgemm_avx2.c). Not part of the public interface.
#ifndef CK_SGEMM_INTERNAL_H
#define CK_SGEMM_INTERNAL_H

#include "CKernelsElementwise.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/// Largest number of rows a micro-kernel tile has at any level.
#define CK_MR_MAX 12
/// Widest packed panel (columns) at any level.
#define CK_NR_MAX 32

/// The driver splits k into blocks of at most this many steps, so that a packed panel
/// (CK_KC × CK_NR_MAX floats = 32 KiB) stays in L1/L2 while every row tile walks over it.
#ifndef CK_KC
#define CK_KC 256
#endif

/// Products with at most this many row tiles (96 rows at 12 per tile) read a row-major Y in
/// place instead of packing it, when the calling thread reads in place at all (`ck_reading_in_place`).
#ifndef CK_IN_PLACE_ROW_TILES
#define CK_IN_PLACE_ROW_TILES 8
#endif

/// One micro-kernel call: a `rows × cols` tile of D = X·Y over `kc` steps of k.
///
/// X, the broadcast operand, is read in place: element (r, p) is `x[r*xrs + p*xks]`, which
/// covers A (xrs = lda, xks = 1), a transposed A (xrs = 1, xks = lda) and, when the product
/// is computed transposed, B or its transpose. Y is `kc` rows of `panel_stride` floats: a
/// packed panel (64-byte aligned, zero-padded past `cols`) or, for the in-place kernels, B
/// itself (only the first `cols` floats of a row are read).
///
/// Tile element (r, j) goes to `c[r*ldc + j]`, or with `transposed_out` to `c[j*ldc + r]`.
/// `accumulate` adds to what is there (never read otherwise, so NaN there does not leak);
/// `bias`, when not NULL, is indexed by the destination column (j, or r when transposed);
/// `relu` clamps negatives to zero after the bias.
typedef struct {
    int kc;
    int rows, cols;
    const float *x;
    ptrdiff_t xrs, xks;
    const float *panel;
    ptrdiff_t panel_stride;
    float *c;
    ptrdiff_t ldc;
    bool transposed_out;
    bool accumulate;
    const float *bias;
    bool relu;
} ck_tile;

typedef void (*ck_tile_fn)(const ck_tile *tile);

/// How X is laid out, which the kernels specialise on: its rows contiguous in k (xks == 1:
/// A, or B of a transposed product) or one step of k contiguous across rows (xrs == 1: a
/// transposed A).
enum { CK_X_ROWS = 0, CK_X_COLUMNS = 1 };

/// Copies a `kc × cols` block of a row-major matrix (row stride `ld`) into a panel of
/// `kc` rows of `stride` floats, zero-filling columns `cols ..< stride`.
typedef void (*ck_pack_fn)(int kc, int cols, const float *src, ptrdiff_t ld, float *panel, int stride);

/// Computes a product of a few rows by streaming a row-major Y; see `ck_stream_rows`.
typedef void (*ck_stream_fn)(int rows, int cols, int k, const float *x, ptrdiff_t xrs, ptrdiff_t xks, const float *y,
                             ptrdiff_t yld, float *c, ptrdiff_t ldc, bool accumulate, const float *bias, bool relu);

typedef void (*ck_update_fn)(float *w, float *m, float *s, float *a, ptrdiff_t ldw, const float *g, ptrdiff_t ldg, int rows,
                             int cols, const ck_update *update);

/// One instruction-set level: its micro-kernels, packing routines and SGD update.
typedef struct {
    const char *name;
    /// Rows of the tallest tile.
    int mr_max;
    /// Columns of one SIMD vector; a panel is one vector wide (narrow) or `nr` wide.
    int lanes;
    int nr;
    /// `tiles[layout][wide][rows]`: the kernel for a `rows`-row tile of X in `layout`
    /// (CK_X_ROWS or CK_X_COLUMNS) over a narrow (0) or wide (1) panel.
    ck_tile_fn tiles[2][2][CK_MR_MAX + 1];
    /// The same for Y read in place (`panel` pointing into B, `panel_stride` its row stride)
    /// instead of packed; all NULL when the level always packs.
    ck_tile_fn in_place_tiles[2][2][CK_MR_MAX + 1];
    /// Packs Y[p][j] = src[p*ld + j].
    ck_pack_fn pack_rows;
    /// Packs Y[p][j] = src[j*ld + p] (the transpose of a row-major block).
    ck_pack_fn pack_columns;
    /// `ck_optimizer_update` compiled for this level: the same loops, wider vectors.
    ck_update_fn optimizer_update;
    /// `ck_stream_rows` compiled for this level; NULL when the level always uses its tiles.
    ck_stream_fn stream_rows;
} ck_level;

/// Who made this CPU, where a choice between two ways of doing the same work was measured to
/// differ between makers' cores.
typedef enum { CK_VENDOR_OTHER = 0, CK_VENDOR_INTEL, CK_VENDOR_AMD } ck_vendor;

/// This CPU's maker, from CPUID (CK_VENDOR_OTHER off x86-64). Slow under a hypervisor, which
/// traps CPUID: callers cache the choice they make from it.
ck_vendor ck_cpu_vendor(void);

/// A yes-or-no choice between two ways of doing the same work that the CPU makes once and a
/// thread may force, for tests and benchmarks. `automatic` caches the CPU's answer (CPUID is
/// slow, and traps under a hypervisor); `forced` is the calling thread's own. Either holds
/// CK_CHOICE_UNKNOWN until it is set.
enum { CK_CHOICE_UNKNOWN = 0, CK_CHOICE_YES, CK_CHOICE_NO };

/// The forced answer when there is one, else the cached one, computed by `decide` on first use.
/// Racing first callers compute the same answer, so whichever store lands is right.
static inline bool ck_choice(int forced, atomic_int *automatic, bool (*decide)(void)) {
    if (forced != CK_CHOICE_UNKNOWN) return forced == CK_CHOICE_YES;
    int choice = atomic_load_explicit(automatic, memory_order_relaxed);
    if (choice == CK_CHOICE_UNKNOWN) {
        choice = decide() ? CK_CHOICE_YES : CK_CHOICE_NO;
        atomic_store_explicit(automatic, choice, memory_order_relaxed);
    }
    return choice == CK_CHOICE_YES;
}

/// What a thread forces: 1 yes, 0 no, a negative value the CPU's choice again.
static inline int ck_forced_choice(int value) {
    return value < 0 ? CK_CHOICE_UNKNOWN : value ? CK_CHOICE_YES : CK_CHOICE_NO;
}

/// The level the products run at now (the CPU's best, or the one forced for tests).
const ck_level *ck_current_level(void);

/// The optimiser's loops, inlined into each level's `optimizer_update` so that the compiler
/// vectorises them for that level's instruction set. See `ck_optimizer_update`. The rule is
/// chosen once per block, so each inner loop is a plain element-wise one.
static inline __attribute__((always_inline)) void ck_update_rows(float *restrict w, float *restrict m,
                                                                 float *restrict s, float *restrict a,
                                                                 ptrdiff_t ldw,
                                                                 const float *restrict g, ptrdiff_t ldg, int rows,
                                                                 int cols, const ck_update *update) {
    const float rate = update->rate, mu = update->momentum, decay = update->decay;
    for (int r = 0; r < rows; r++) {
        float *restrict wr = w + r * ldw, *restrict mr = m + r * ldw;
        const float *restrict gr = g + r * ldg;
        switch (update->rule) {
        case CK_RULE_MOMENTUM:
            for (int j = 0; j < cols; j++) {
                const float v = mu * mr[j] + (gr[j] + decay * wr[j]);
                mr[j] = v;
                wr[j] -= rate * v;
            }
            break;
        case CK_RULE_NESTEROV:
            for (int j = 0; j < cols; j++) {
                const float d = gr[j] + decay * wr[j];
                const float v = mu * mr[j] + d;
                mr[j] = v;
                wr[j] -= rate * (d + mu * v);
            }
            break;
        case CK_RULE_ADAM:
        case CK_RULE_ADAMW: {
            float *restrict sr = s + r * ldw;
            const float beta2 = update->beta2, epsilon = update->epsilon, step = update->step_size;
            const float correction = update->inverse_root_correction;
            const float coupled = update->rule == CK_RULE_ADAM ? decay : 0;
            const float shrink = update->rule == CK_RULE_ADAMW ? 1 - rate * decay : 1;
            for (int j = 0; j < cols; j++) {
                const float d = gr[j] + coupled * wr[j];
                const float first = mu * mr[j] + (1 - mu) * d;
                const float second = beta2 * sr[j] + (1 - beta2) * (d * d);
                mr[j] = first;
                sr[j] = second;
                // __builtin_elementwise_sqrt never sets errno, so the loop vectorises.
                wr[j] = shrink * wr[j] - step * first / (__builtin_elementwise_sqrt(second) * correction + epsilon);
            }
            break;
        }
        }
        if (a) {
            // The moving average follows the row just written, while it is still in L1.
            float *restrict ar = a + r * ldw;
            const float keep = update->average_decay;
            for (int j = 0; j < cols; j++) ar[j] = keep * ar[j] + (1 - keep) * wr[j];
        }
    }
}

/// Products with at most this many rows and a row-major Y are computed by `ck_stream_rows`.
#ifndef CK_STREAM_ROWS
#define CK_STREAM_ROWS 4
#endif

/// Columns of C that `ck_stream_rows` sums at a time (its scratch is CK_STREAM_ROWS × this).
#define CK_STREAM_COLS 512

/// The k blocks a product is split into: `blocks` of near-equal size, the first ones one
/// longer, so that a k just over CK_KC does not leave a sliver. Block `index` starts at
/// `start` and is the returned number of steps long.
static inline __attribute__((always_inline)) int ck_k_block(int k, int blocks, int index, int start) {
    return (k - start) / (blocks - index) + ((k - start) % (blocks - index) != 0);
}

/// C = act(beta·C + X·Y + bias) for a few rows of X (`rows` ≤ CK_STREAM_ROWS, `k` ≥ 1), with Y
/// row-major (`k` rows of at least `cols` floats, row stride `yld`) read once, row after row,
/// where it lies. The tiles would pack all of a wide Y for a single pass over it, or walk it
/// column strip by column strip at its row stride; a one-picture forward product through a
/// 784×1024 layer spent most of its time doing that.
///
/// X(r, p) is `x[r*xrs + p*xks]`; C(r, j) is `c[r*ldc + j]`. The arithmetic of every element
/// is the tiles' own, so a row gives the same bits alone as in a batch: k is split into the
/// same blocks; within a block the sum starts at zero and adds X(r, p)·Y(p, j) in order of p
/// with one rounding per step (a fused multiply-add); the block's sum is then added to C (or
/// stored into it, for the first block without `accumulate`), and after the last block come
/// the bias and then the ReLU (NaN passes through).
static inline __attribute__((always_inline)) void ck_stream_rows(int rows, int cols, int k, const float *x,
                                                                 ptrdiff_t xrs, ptrdiff_t xks, const float *y,
                                                                 ptrdiff_t yld, float *c, ptrdiff_t ldc,
                                                                 bool accumulate, const float *bias, bool relu) {
    float sums[CK_STREAM_ROWS][CK_STREAM_COLS] __attribute__((aligned(64)));
    const int k_blocks = (k + CK_KC - 1) / CK_KC;
    for (int j0 = 0; j0 < cols; j0 += CK_STREAM_COLS) {
        const int width = cols - j0 < CK_STREAM_COLS ? cols - j0 : CK_STREAM_COLS;
        int p0 = 0;
        for (int kb = 0; kb < k_blocks; kb++) {
            const int kc = ck_k_block(k, k_blocks, kb, p0);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < width; j++) sums[r][j] = 0;
            }
            // Four rows of Y per pass over the sums: the chain of fused multiply-adds per
            // element is the same as one row at a time, with a quarter of the loads and
            // stores of the sums.
            int p = 0;
            for (; p + 4 <= kc; p += 4) {
                const float *restrict y0 = y + (ptrdiff_t)(p0 + p) * yld + j0;
                const float *restrict y1 = y0 + yld, *restrict y2 = y1 + yld, *restrict y3 = y2 + yld;
                for (int r = 0; r < rows; r++) {
                    const float *xr = x + (ptrdiff_t)r * xrs + (ptrdiff_t)(p0 + p) * xks;
                    const float x0 = xr[0], x1 = xr[xks], x2 = xr[2 * xks], x3 = xr[3 * xks];
                    float *restrict s = sums[r];
                    // Each element is a chain of four dependent multiply-adds; eight vectors
                    // of them in flight hide the latency.
#pragma clang loop interleave_count(8)
                    for (int j = 0; j < width; j++) {
                        s[j] = __builtin_fmaf(
                            x3, y3[j], __builtin_fmaf(x2, y2[j], __builtin_fmaf(x1, y1[j], __builtin_fmaf(x0, y0[j], s[j]))));
                    }
                }
            }
            for (; p < kc; p++) {
                const float *restrict y0 = y + (ptrdiff_t)(p0 + p) * yld + j0;
                for (int r = 0; r < rows; r++) {
                    const float x0 = x[(ptrdiff_t)r * xrs + (ptrdiff_t)(p0 + p) * xks];
                    float *restrict s = sums[r];
                    for (int j = 0; j < width; j++) s[j] = __builtin_fmaf(x0, y0[j], s[j]);
                }
            }
            const bool add = accumulate || kb > 0, last = kb == k_blocks - 1;
            for (int r = 0; r < rows; r++) {
                float *restrict cr = c + (ptrdiff_t)r * ldc + j0;
                const float *restrict s = sums[r];
                for (int j = 0; j < width; j++) {
                    float v = s[j];
                    if (add) v = cr[j] + v;
                    if (last && bias) v += bias[j0 + j];
                    if (last && relu) v = v < 0 ? 0 : v;
                    cr[j] = v;
                }
            }
            p0 += kc;
        }
    }
}

/// Writes a finished `rows × cols` tile held in `acc` (row stride `acc_stride`) to its
/// destination, honouring every option of `tile`; the path for edges and odd layouts.
void ck_store_tile(const float *acc, int acc_stride, const ck_tile *tile);

void ck_pack_rows_portable(int kc, int cols, const float *src, ptrdiff_t ld, float *panel, int stride);
void ck_pack_columns_portable(int kc, int cols, const float *src, ptrdiff_t ld, float *panel, int stride);

#if defined(__x86_64__)
extern const ck_level ck_level_avx512;
extern const ck_level ck_level_avx2;
#endif

#endif
