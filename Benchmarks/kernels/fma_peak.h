// The machine's peak rate of fused multiply-adds at a kernel level: a loop that keeps twelve
// independent vector accumulators in registers and does nothing but FMAs on them, so no load,
// store or dependency chain limits it. Run on several threads at once it shows what the cores
// deliver together (two virtual cores of one physical core share its FMA units).
#ifndef FMA_PEAK_H
#define FMA_PEAK_H

#include <stdbool.h>

/// The best GFLOP/s (2 per lane per FMA) of `threads` threads running the loop at `level`
/// ("avx512" or "avx2") all at once, over `reps` runs of about `seconds` each; -1 when this CPU
/// lacks the level.
double fma_peak(const char *level, int threads, int reps, double seconds);

#endif
