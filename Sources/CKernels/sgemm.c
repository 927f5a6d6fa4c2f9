#include "CKernels.h"
#include <string.h>

// Temporary portable implementation; replaced by the blocked SIMD kernels.
void ck_sgemm(bool transA, bool transB, int m, int n, int k,
              const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc) {
    for (int i = 0; i < m; i++) {
        float *crow = &c[(size_t)i * ldc];
        if (beta == 0) memset(crow, 0, sizeof(float) * (size_t)n);
        for (int p = 0; p < k; p++) {
            float aip = transA ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
            if (!transB) {
                const float *brow = &b[(size_t)p * ldb];
                for (int j = 0; j < n; j++) crow[j] += aip * brow[j];
            } else {
                for (int j = 0; j < n; j++) crow[j] += aip * b[(size_t)j * ldb + p];
            }
        }
    }
}

const char *ck_kernel_level(void) { return "portable"; }
bool ck_force_kernel_level(const char *level) { return level == NULL || strcmp(level, "portable") == 0; }
