// Widening half-precision weights when a model stored as F16 is loaded. A model file is read
// once per process, so this is on the path of a fresh `digits classify`: the hardware
// conversion turns eight halves into floats per instruction, where a bit-by-bit conversion
// would cost milliseconds on a large model.
#include "CKernelsHalves.h"
#include "CKernelsMemory.h"
#include "sgemm_internal.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static float half_to_float(uint16_t half) {
    const uint32_t sign = (uint32_t)(half & 0x8000u) << 16;
    const uint32_t exponent = (half >> 10) & 0x1fu;
    const uint32_t mantissa = half & 0x3ffu;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);  // infinity, or NaN with its payload
    } else if (exponent != 0) {
        bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
    } else {
        // Zero or subnormal: mantissa × 2⁻²⁴, exact in a float.
        const float magnitude = (float)mantissa * 0x1p-24f;
        memcpy(&bits, &magnitude, sizeof bits);
        bits |= sign;
    }
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static uint16_t half_at(const unsigned char *src, size_t i) {
    return (uint16_t)(src[2 * i] | (src[2 * i + 1] << 8));
}

static void halves_to_floats_portable(const unsigned char *restrict src, float *restrict dst, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = half_to_float(half_at(src, i));
}

#if defined(__x86_64__)
__attribute__((target("avx,f16c")))
static void halves_to_floats_f16c(const unsigned char *restrict src, float *restrict dst, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i halves = _mm_loadu_si128((const __m128i *)(src + 2 * i));
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(halves));
    }
    for (; i < n; i++) dst[i] = half_to_float(half_at(src, i));
}
#endif

void ck_halves_to_floats(const void *src, float *dst, size_t n) {
    ck_populate_for_writing(dst, n * sizeof(float));
#if defined(__x86_64__)
    if (strcmp(ck_current_level()->name, "portable") != 0 && __builtin_cpu_supports("f16c")) {
        halves_to_floats_f16c(src, dst, n);
        return;
    }
#endif
    halves_to_floats_portable(src, dst, n);
}
