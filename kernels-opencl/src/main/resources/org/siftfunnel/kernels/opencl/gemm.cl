// Batched SGEMM, row-major: C_b = alpha·op(A_b)·op(B_b) + beta·C_b with leading dimensions,
// so that sub-matrices (split K, column blocks) can be addressed without copies.
//
// gemm_tiled: a 16×16 work-group computes a 64×64 tile of C; each work-item owns a 4×4
// register block (rows ty + 16r, columns tx + 16c, so that stores of neighbouring work-items
// are neighbours in memory). K advances in slices of 16 staged in local memory; the staging
// loads are arranged per transpose case so that neighbouring work-items read neighbouring
// addresses. Out-of-range elements load as zero; stores are bounds-checked.

#define TILE_M 64
#define TILE_N 64
#define TILE_K 16
#define GROUP_X 16
#define GROUP_Y 16
#define WORK_M 4
#define WORK_N 4

// op(A)[row][p] of a matrix with leading dimension lda.
float load_a(global const float* A, int trans, int lda, int m, int k, int row, int p) {
    if (row >= m || p >= k) {
        return 0.0f;
    }
    return trans ? A[(size_t) p * lda + row] : A[(size_t) row * lda + p];
}

// op(B)[p][col].
float load_b(global const float* B, int trans, int ldb, int k, int n, int p, int col) {
    if (p >= k || col >= n) {
        return 0.0f;
    }
    return trans ? B[(size_t) col * ldb + p] : B[(size_t) p * ldb + col];
}

void store_c(global float* C, int ldc, int m, int n, int row, int col, float alpha, float acc, float beta) {
    if (row < m && col < n) {
        global float* c = C + (size_t) row * ldc + col;
        // beta == 0 must not read C (it may hold NaN); otherwise (alpha·acc) + beta·C as the reference.
        *c = beta == 0.0f ? alpha * acc : alpha * acc + beta * *c;
    }
}

kernel __attribute__((reqd_work_group_size(GROUP_X, GROUP_Y, 1)))
void gemm_tiled(int trans_a, int trans_b, int m, int n, int k, float alpha,
                global const float* A, int a_off, int a_stride, int lda,
                global const float* B, int b_off, int b_stride, int ldb,
                float beta, global float* C, int c_off, int c_stride, int ldc) {
    local float As[TILE_K][TILE_M + 1];
    local float Bs[TILE_K][TILE_N + 1];
    int tx = get_local_id(0);
    int ty = get_local_id(1);
    int t = ty * GROUP_X + tx;
    int col0 = get_group_id(0) * TILE_N;
    int row0 = get_group_id(1) * TILE_M;
    int batch = get_group_id(2);
    global const float* a = A + a_off + (size_t) batch * a_stride;
    global const float* b = B + b_off + (size_t) batch * b_stride;
    global float* c = C + c_off + (size_t) batch * c_stride;

    float acc[WORK_M][WORK_N];
    for (int r = 0; r < WORK_M; r++) {
        for (int q = 0; q < WORK_N; q++) {
            acc[r][q] = 0.0f;
        }
    }
    for (int p0 = 0; p0 < k; p0 += TILE_K) {
        // Each of the 256 work-items stages 4 of the 1024 elements of each slice.
        for (int l = 0; l < (TILE_M * TILE_K) / (GROUP_X * GROUP_Y); l++) {
            int e = t + l * GROUP_X * GROUP_Y;
            // Stored A is m×k (walk p fastest) or k×m when transposed (walk rows fastest).
            int ar = trans_a ? e % TILE_M : e / TILE_K;
            int ap = trans_a ? e / TILE_M : e % TILE_K;
            As[ap][ar] = load_a(a, trans_a, lda, m, k, row0 + ar, p0 + ap);
            // Stored B is k×n (walk columns fastest) or n×k when transposed (walk p fastest).
            int bc = trans_b ? e / TILE_K : e % TILE_N;
            int bp = trans_b ? e % TILE_K : e / TILE_N;
            Bs[bp][bc] = load_b(b, trans_b, ldb, k, n, p0 + bp, col0 + bc);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < TILE_K; p++) {
            float av[WORK_M];
            float bv[WORK_N];
            for (int r = 0; r < WORK_M; r++) {
                av[r] = As[p][ty + r * GROUP_Y];
            }
            for (int q = 0; q < WORK_N; q++) {
                bv[q] = Bs[p][tx + q * GROUP_X];
            }
            for (int r = 0; r < WORK_M; r++) {
                for (int q = 0; q < WORK_N; q++) {
                    acc[r][q] = fma(av[r], bv[q], acc[r][q]);
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int r = 0; r < WORK_M; r++) {
        for (int q = 0; q < WORK_N; q++) {
            store_c(c, ldc, m, n, row0 + ty + r * GROUP_Y, col0 + tx + q * GROUP_X, alpha, acc[r][q], beta);
        }
    }
}

// One work-item per element of C: for thin matrices (m or n small), where a 64×64 tile would
// be mostly empty, and for devices whose work-groups cannot hold 256 work-items.
kernel void gemm_small(int trans_a, int trans_b, int m, int n, int k, float alpha,
                       global const float* A, int a_off, int a_stride, int lda,
                       global const float* B, int b_off, int b_stride, int ldb,
                       float beta, global float* C, int c_off, int c_stride, int ldc) {
    int col = get_global_id(0);
    int row = get_global_id(1);
    int batch = get_global_id(2);
    if (row >= m || col >= n) {
        return;
    }
    global const float* a = A + a_off + (size_t) batch * a_stride;
    global const float* b = B + b_off + (size_t) batch * b_stride;
    float acc = 0.0f;
    for (int p = 0; p < k; p++) {
        float av = trans_a ? a[(size_t) p * lda + row] : a[(size_t) row * lda + p];
        float bv = trans_b ? b[(size_t) col * ldb + p] : b[(size_t) p * ldb + col];
        acc = fma(av, bv, acc);
    }
    store_c(C + c_off + (size_t) batch * c_stride, ldc, m, n, row, col, alpha, acc, beta);
}

// Sums `parts` partial products of shape m×n (split-K) into C: C = Σ parts + beta·C (or no read of C when beta == 0).
kernel void gemm_sum_parts(global const float* parts, int count, int m, int n, float beta,
                           global float* C, int c_off, int ldc) {
    int col = get_global_id(0);
    int row = get_global_id(1);
    if (row >= m || col >= n) {
        return;
    }
    float s = 0.0f;
    for (int p = 0; p < count; p++) {
        s += parts[((size_t) p * m + row) * n + col];
    }
    global float* c = C + c_off + (size_t) row * ldc + col;
    *c = beta == 0.0f ? s : s + beta * *c;
}

// out[i][j] = Σ_k (x[i][k] − x[j][k])², computed directly (not as |a|²+|b|²−2ab, which
// cancels catastrophically for near neighbours). 16×16 output tiles, 16 features at a time.
kernel __attribute__((reqd_work_group_size(16, 16, 1)))
void pairwise_sq_dist(global const float* x, global float* out, int n, int d) {
    local float xi[16][17];
    local float xj[16][17];
    int tx = get_local_id(0);
    int ty = get_local_id(1);
    int j = get_group_id(0) * 16 + tx;
    int i = get_group_id(1) * 16 + ty;
    int i0 = get_group_id(1) * 16;
    int j0 = get_group_id(0) * 16;
    float acc = 0.0f;
    for (int k0 = 0; k0 < d; k0 += 16) {
        // Row ty of each block, feature k0 + tx: neighbouring work-items read neighbouring features.
        int kk = k0 + tx;
        xi[ty][tx] = i0 + ty < n && kk < d ? x[(size_t) (i0 + ty) * d + kk] : 0.0f;
        xj[ty][tx] = j0 + ty < n && kk < d ? x[(size_t) (j0 + ty) * d + kk] : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int q = 0; q < 16; q++) {
            float diff = xi[ty][q] - xj[tx][q];
            acc = fma(diff, diff, acc);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (i < n && j < n) {
        out[(size_t) i * n + j] = acc;
    }
}

// The same without local memory, one work-item per output: for devices whose work-groups
// cannot hold the 16×16 work-items of the tiled kernel.
kernel void pairwise_sq_dist_small(global const float* x, global float* out, int n, int d) {
    int j = get_global_id(0);
    int i = get_global_id(1);
    if (i >= n || j >= n) {
        return;
    }
    float acc = 0.0f;
    for (int q = 0; q < d; q++) {
        float diff = x[(size_t) i * d + q] - x[(size_t) j * d + q];
        acc = fma(diff, diff, acc);
    }
    out[(size_t) i * n + j] = acc;
}
