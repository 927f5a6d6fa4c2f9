#include "CKernels.h"

void ck_sgemm_reference(bool transA, bool transB, int m, int n, int k,
                        const float *a, int lda, const float *b, int ldb,
                        float beta, float *c, int ldc) {
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int p = 0; p < k; p++) {
                float aip = transA ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
                float bpj = transB ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
                sum += (double)aip * (double)bpj;
            }
            float *cij = &c[(size_t)i * ldc + j];
            *cij = (beta == 0 ? 0.0f : beta * *cij) + (float)sum;
        }
    }
}
