// Convolution as im2col + GEMM. The geometry travels as one int16:
#define G_CIN(g) ((g).s1)
#define G_H(g) ((g).s2)
#define G_W(g) ((g).s3)
#define G_COUT(g) ((g).s4)
#define G_KH(g) ((g).s5)
#define G_KW(g) ((g).s6)
#define G_SH(g) ((g).s7)
#define G_SW(g) ((g).s8)
#define G_PH(g) ((g).s9)
#define G_PW(g) ((g).sa)
#define G_DH(g) ((g).sb)
#define G_DW(g) ((g).sc)
#define G_OH(g) ((g).sd)
#define G_OW(g) ((g).se)

// Columns of images b0 .. b0+count-1: col[row][b·OH·OW + oy·OW + ox] with
// row = (ic·kH + ky)·kW + kx; taps that fall into the padding are 0.
kernel void im2col(global const float* x, global float* col, int16 g, int b0, int count) {
    int e = get_global_id(0);
    int ohw = G_OH(g) * G_OW(g);
    int cols = count * ohw;
    int rows = G_CIN(g) * G_KH(g) * G_KW(g);
    if (e >= rows * cols) {
        return;
    }
    int row = e / cols;
    int c = e - row * cols;
    int b = c / ohw;
    int p = c - b * ohw;
    int oy = p / G_OW(g);
    int ox = p - oy * G_OW(g);
    int kx = row % G_KW(g);
    int ky = (row / G_KW(g)) % G_KH(g);
    int ic = row / (G_KW(g) * G_KH(g));
    int iy = oy * G_SH(g) - G_PH(g) + ky * G_DH(g);
    int ix = ox * G_SW(g) - G_PW(g) + kx * G_DW(g);
    float v = 0.0f;
    if (iy >= 0 && iy < G_H(g) && ix >= 0 && ix < G_W(g)) {
        v = x[(((size_t) (b0 + b) * G_CIN(g) + ic) * G_H(g) + iy) * G_W(g) + ix];
    }
    col[e] = v;
}

// The adjoint of im2col as a gather: every input pixel of images b0 .. b0+count-1 sums the
// column entries that read it, so each output is written by exactly one work-item (no atomics,
// deterministic).
kernel void col2im(global const float* col, global float* gx, int16 g, int b0, int count) {
    int e = get_global_id(0);
    int hw = G_H(g) * G_W(g);
    int total = count * G_CIN(g) * hw;
    if (e >= total) {
        return;
    }
    int ix = e % G_W(g);
    int iy = (e / G_W(g)) % G_H(g);
    int ic = (e / hw) % G_CIN(g);
    int b = e / (hw * G_CIN(g));
    int ohw = G_OH(g) * G_OW(g);
    size_t cols = (size_t) count * ohw;
    float acc = 0.0f;
    for (int ky = 0; ky < G_KH(g); ky++) {
        int ty = iy + G_PH(g) - ky * G_DH(g);
        if (ty < 0 || ty % G_SH(g) != 0) {
            continue;
        }
        int oy = ty / G_SH(g);
        if (oy >= G_OH(g)) {
            continue;
        }
        for (int kx = 0; kx < G_KW(g); kx++) {
            int tx = ix + G_PW(g) - kx * G_DW(g);
            if (tx < 0 || tx % G_SW(g) != 0) {
                continue;
            }
            int ox = tx / G_SW(g);
            if (ox >= G_OW(g)) {
                continue;
            }
            int row = (ic * G_KH(g) + ky) * G_KW(g) + kx;
            acc += col[row * cols + (size_t) b * ohw + oy * G_OW(g) + ox];
        }
    }
    gx[(size_t) b0 * G_CIN(g) * hw + e] = acc;
}

// gyP[oc][b·OHW + p] = gy[b0 + b][oc][p]: the output gradient of `count` images as one
// channel-major matrix, so the weight gradient is a single GEMM over all their pixels.
kernel void channel_major(global const float* gy, global float* gyP, int cout, int ohw, int b0, int count) {
    int e = get_global_id(0);
    if (e >= count * cout * ohw) {
        return;
    }
    int p = e % ohw;
    int oc = (e / ohw) % cout;
    int b = e / (ohw * cout);
    gyP[(size_t) oc * count * ohw + (size_t) b * ohw + p] = gy[(size_t) b0 * cout * ohw + e];
}

// out[b][oc][p] += bias[oc] over all n elements.
kernel void add_channel_bias(global float* out, global const float* bias, int cout, int ohw, int n) {
    int e = get_global_id(0);
    if (e < n) {
        out[e] += bias[(e / ohw) % cout];
    }
}
