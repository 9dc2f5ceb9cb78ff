// Pooling and resampling. Pool geometry as one int16:
#define P_PLANES(g) ((g).s0)
#define P_H(g) ((g).s1)
#define P_W(g) ((g).s2)
#define P_KH(g) ((g).s3)
#define P_KW(g) ((g).s4)
#define P_SH(g) ((g).s5)
#define P_SW(g) ((g).s6)
#define P_PH(g) ((g).s7)
#define P_PW(g) ((g).s8)
#define P_OH(g) ((g).s9)
#define P_OW(g) ((g).sa)

// Output rows whose window [o·s − pad, o·s − pad + k) contains input row i: [*lo, *hi).
void windows_containing(int i, int k, int s, int pad, int out, int* lo, int* hi) {
    int t = i + pad - k + 1; // o·s ≥ t
    int first = t <= 0 ? 0 : (t + s - 1) / s;
    int last = (i + pad) / s; // o·s ≤ i + pad
    *lo = first;
    *hi = min(last + 1, out);
}

// Scans the window in the reference's order: the first maximum wins, a NaN wins and ends
// the scan of its row, and padding never wins (a window entirely in padding gives −inf, -1).
kernel void max_pool(global const float* x, global float* out, global float* switches, int has_switches, int16 g) {
    int e = get_global_id(0);
    int outPlane = P_OH(g) * P_OW(g);
    if (e >= P_PLANES(g) * outPlane) {
        return;
    }
    int p = e / outPlane;
    int oy = (e / P_OW(g)) % P_OH(g);
    int ox = e % P_OW(g);
    global const float* plane = x + (size_t) p * P_H(g) * P_W(g);
    float best = -INFINITY;
    int where = -1;
    for (int ky = 0; ky < P_KH(g); ky++) {
        int iy = oy * P_SH(g) - P_PH(g) + ky;
        if (iy < 0 || iy >= P_H(g)) {
            continue;
        }
        for (int kx = 0; kx < P_KW(g); kx++) {
            int ix = ox * P_SW(g) - P_PW(g) + kx;
            if (ix < 0 || ix >= P_W(g)) {
                continue;
            }
            float v = plane[iy * P_W(g) + ix];
            if (v > best || where < 0 || isnan(v)) {
                best = v;
                where = iy * P_W(g) + ix;
                if (isnan(v)) {
                    break;
                }
            }
        }
    }
    out[e] = best;
    if (has_switches) {
        switches[e] = (float) where;
    }
}

// Gather form of the backward: each input pixel sums the gradients of the outputs whose switch
// points at it (in output order, as the reference), so no two work-items write one element.
kernel void max_pool_backward(global const float* gy, global const float* switches, global float* gx, int16 g) {
    int e = get_global_id(0);
    int plane = P_H(g) * P_W(g);
    if (e >= P_PLANES(g) * plane) {
        return;
    }
    int p = e / plane;
    int at = e - p * plane;
    int iy = at / P_W(g);
    int ix = at - iy * P_W(g);
    int y0, y1, x0, x1;
    windows_containing(iy, P_KH(g), P_SH(g), P_PH(g), P_OH(g), &y0, &y1);
    windows_containing(ix, P_KW(g), P_SW(g), P_PW(g), P_OW(g), &x0, &x1);
    size_t base = (size_t) p * P_OH(g) * P_OW(g);
    float acc = 0.0f;
    for (int oy = y0; oy < y1; oy++) {
        for (int ox = x0; ox < x1; ox++) {
            size_t o = base + oy * P_OW(g) + ox;
            if ((int) switches[o] == at) {
                acc += gy[o];
            }
        }
    }
    gx[e] = acc;
}

// Average pooling counting padded cells (count_include_pad=true): always divides by kH·kW.
kernel void avg_pool(global const float* x, global float* out, int16 g) {
    int e = get_global_id(0);
    int outPlane = P_OH(g) * P_OW(g);
    if (e >= P_PLANES(g) * outPlane) {
        return;
    }
    int p = e / outPlane;
    int oy = (e / P_OW(g)) % P_OH(g);
    int ox = e % P_OW(g);
    global const float* plane = x + (size_t) p * P_H(g) * P_W(g);
    float s = 0.0f;
    for (int ky = 0; ky < P_KH(g); ky++) {
        int iy = oy * P_SH(g) - P_PH(g) + ky;
        if (iy < 0 || iy >= P_H(g)) {
            continue;
        }
        for (int kx = 0; kx < P_KW(g); kx++) {
            int ix = ox * P_SW(g) - P_PW(g) + kx;
            if (ix >= 0 && ix < P_W(g)) {
                s += plane[iy * P_W(g) + ix];
            }
        }
    }
    out[e] = s * (1.0f / (P_KH(g) * P_KW(g)));
}

kernel void avg_pool_backward(global const float* gy, global float* gx, int16 g) {
    int e = get_global_id(0);
    int plane = P_H(g) * P_W(g);
    if (e >= P_PLANES(g) * plane) {
        return;
    }
    int p = e / plane;
    int iy = (e - p * plane) / P_W(g);
    int ix = e % P_W(g);
    int y0, y1, x0, x1;
    windows_containing(iy, P_KH(g), P_SH(g), P_PH(g), P_OH(g), &y0, &y1);
    windows_containing(ix, P_KW(g), P_SW(g), P_PW(g), P_OW(g), &x0, &x1);
    float inv = 1.0f / (P_KH(g) * P_KW(g));
    size_t base = (size_t) p * P_OH(g) * P_OW(g);
    float acc = 0.0f;
    for (int oy = y0; oy < y1; oy++) {
        for (int ox = x0; ox < x1; ox++) {
            acc += gy[base + oy * P_OW(g) + ox] * inv;
        }
    }
    gx[e] = acc;
}

// ---------------------------------------------------------------- upsampling

// Source coordinate of output o along one axis, exactly as the reference computes it in float.
int nearest_source(int o, float scale, int in) {
    return min((int) floor((float) o * scale), in - 1);
}

// Bilinear (align_corners=false): lower and upper source index and the upper weight.
void bilinear_source(int o, float scale, int in, int* i0, int* i1, float* lambda) {
    float s = fmax(((float) o + 0.5f) * scale - 0.5f, 0.0f);
    int lo = (int) s;
    *i0 = lo;
    *i1 = lo + (lo < in - 1 ? 1 : 0);
    *lambda = s - (float) lo;
}

kernel void upsample_2d(int mode, global const float* x, global float* out, int planes, int inH, int inW, int outH, int outW) {
    int e = get_global_id(0);
    if (e >= planes * outH * outW) {
        return;
    }
    int p = e / (outH * outW);
    int oy = (e / outW) % outH;
    int ox = e % outW;
    float scaleH = (float) inH / (float) outH;
    float scaleW = (float) inW / (float) outW;
    global const float* s = x + (size_t) p * inH * inW;
    if (mode == UP_NEAREST) {
        out[e] = s[nearest_source(oy, scaleH, inH) * inW + nearest_source(ox, scaleW, inW)];
    } else {
        int y0, y1, x0, x1;
        float ly, lx;
        bilinear_source(oy, scaleH, inH, &y0, &y1, &ly);
        bilinear_source(ox, scaleW, inW, &x0, &x1, &lx);
        float hy = 1.0f - ly;
        float hx = 1.0f - lx;
        out[e] = hy * (hx * s[y0 * inW + x0] + lx * s[y0 * inW + x1]) + ly * (hx * s[y1 * inW + x0] + lx * s[y1 * inW + x1]);
    }
}

// Output rows that may read input row i: a generous integer bracket around i·out/in; every
// candidate is then checked with the forward formula itself, so the bracket only has to be
// wide enough, never exact.
void candidate_outputs(int i, int in, int out, int* lo, int* hi) {
    *lo = max(0, (i - 1) * out / in - 2);
    *hi = min(out, (i + 2) * out / in + 3);
}

// Weight with which output o (one axis) reads input i.
float axis_weight(int mode, int o, int i, float scale, int in) {
    if (mode == UP_NEAREST) {
        return nearest_source(o, scale, in) == i ? 1.0f : 0.0f;
    }
    int i0, i1;
    float l;
    bilinear_source(o, scale, in, &i0, &i1, &l);
    // At the last row i0 == i1 and both weights land on it, as in the reference.
    return (i0 == i ? 1.0f - l : 0.0f) + (i1 == i ? l : 0.0f);
}

// Adjoint of upsample_2d as a gather over the outputs that read each input pixel. (The kernels
// are not called plain "upsample": that is an OpenCL built-in integer function.)
kernel void upsample_2d_backward(int mode, global const float* gy, global float* gx, int planes, int inH, int inW,
                              int outH, int outW) {
    int e = get_global_id(0);
    if (e >= planes * inH * inW) {
        return;
    }
    int p = e / (inH * inW);
    int iy = (e / inW) % inH;
    int ix = e % inW;
    float scaleH = (float) inH / (float) outH;
    float scaleW = (float) inW / (float) outW;
    int y0, y1, x0, x1;
    candidate_outputs(iy, inH, outH, &y0, &y1);
    candidate_outputs(ix, inW, outW, &x0, &x1);
    global const float* g = gy + (size_t) p * outH * outW;
    float acc = 0.0f;
    for (int oy = y0; oy < y1; oy++) {
        float wy = axis_weight(mode, oy, iy, scaleH, inH);
        if (wy == 0.0f) {
            continue;
        }
        for (int ox = x0; ox < x1; ox++) {
            float wx = axis_weight(mode, ox, ix, scaleW, inW);
            if (wx != 0.0f) {
                acc += wy * wx * g[oy * outW + ox];
            }
        }
    }
    gx[e] = acc;
}
