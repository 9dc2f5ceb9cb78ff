// Batch normalisation over x [n, c, hw] with batch statistics. Statistics: one work-group per
// channel (power-of-two size) reducing its n·hw elements with compensated sums and a local
// tree; the elementwise passes run one work-item per element.

// Σ over channel ch of f(element) for this work-item's share, compensated.
float channel_sum(global const float* x, float mean, int square_dev, int n, int c, int hw, int ch) {
    float sum = 0.0f;
    float comp = 0.0f;
    int count = n * hw;
    for (int e = get_local_id(0); e < count; e += get_local_size(0)) {
        int b = e / hw;
        float v = x[((size_t) b * c + ch) * hw + (e - b * hw)];
        if (square_dev) {
            float d = v - mean;
            v = d * d;
        }
        kahan_add(&sum, &comp, v);
    }
    return sum - comp;
}

float group_sum(local float* scratch, float v) {
    int lid = get_local_id(0);
    barrier(CLK_LOCAL_MEM_FENCE); // scratch may still be read from a previous call
    scratch[lid] = v;
    for (int s = get_local_size(0) / 2; s > 0; s >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < s) {
            scratch[lid] += scratch[lid + s];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    return scratch[0];
}

// Two passes (mean, then squared deviations from it): no cancellation for offset data.
kernel void batch_norm_stats(global const float* x, global float* mean, global float* inv_std, int n, int c, int hw,
                             float eps, local float* scratch) {
    int ch = get_group_id(0);
    float count = (float) (n * hw);
    float mu = group_sum(scratch, channel_sum(x, 0.0f, 0, n, c, hw, ch)) / count;
    float var = group_sum(scratch, channel_sum(x, mu, 1, n, c, hw, ch)) / count;
    if (get_local_id(0) == 0) {
        mean[ch] = mu;
        inv_std[ch] = 1.0f / sqrt(var + eps);
    }
}

kernel void batch_norm_apply(global const float* x, global const float* gamma, global const float* beta, int affine,
                             global const float* mean, global const float* inv_std, global float* out, int c, int hw, int total) {
    int e = get_global_id(0);
    if (e >= total) {
        return;
    }
    int ch = (e / hw) % c;
    float scale = (affine ? gamma[ch] : 1.0f) * inv_std[ch];
    float shift = affine ? beta[ch] : 0.0f;
    out[e] = (x[e] - mean[ch]) * scale + shift;
}

// Per channel: Σ gy and Σ gy·x̂ (= the beta and gamma gradients) into sums[2ch], sums[2ch + 1].
kernel void batch_norm_backward_stats(global const float* x, global const float* gy, global const float* mean,
                                      global const float* inv_std, global float* sums, int n, int c, int hw,
                                      local float* scratch) {
    int ch = get_group_id(0);
    float mu = mean[ch];
    float inv = inv_std[ch];
    float sg = 0.0f, cg = 0.0f, sgx = 0.0f, cgx = 0.0f;
    int count = n * hw;
    for (int e = get_local_id(0); e < count; e += get_local_size(0)) {
        int b = e / hw;
        size_t q = ((size_t) b * c + ch) * hw + (e - b * hw);
        float g = gy[q];
        kahan_add(&sg, &cg, g);
        kahan_add(&sgx, &cgx, g * ((x[q] - mu) * inv));
    }
    float total_g = group_sum(scratch, sg - cg);
    float total_gx = group_sum(scratch, sgx - cgx);
    if (get_local_id(0) == 0) {
        sums[2 * ch] = total_g;
        sums[2 * ch + 1] = total_gx;
    }
}

// gGamma[ch] = Σ gy·x̂, gBeta[ch] = Σ gy (each optional).
kernel void batch_norm_param_grads(global const float* sums, global float* g_gamma, int has_gamma,
                                   global float* g_beta, int has_beta, int c) {
    int ch = get_global_id(0);
    if (ch < c) {
        if (has_gamma) {
            g_gamma[ch] = sums[2 * ch + 1];
        }
        if (has_beta) {
            g_beta[ch] = sums[2 * ch];
        }
    }
}

// gx = γ·invStd·(gy − Σgy/N − x̂·Σgy·x̂/N), N = n·hw.
kernel void batch_norm_backward_apply(global const float* x, global const float* gy, global const float* gamma, int affine,
                                      global const float* mean, global const float* inv_std, global const float* sums,
                                      global float* gx, int c, int hw, float count, int total) {
    int e = get_global_id(0);
    if (e >= total) {
        return;
    }
    int ch = (e / hw) % c;
    float inv = inv_std[ch];
    float xhat = (x[e] - mean[ch]) * inv;
    float gam = affine ? gamma[ch] : 1.0f;
    gx[e] = gam * inv * (gy[e] - sums[2 * ch] / count - xhat * sums[2 * ch + 1] / count);
}
