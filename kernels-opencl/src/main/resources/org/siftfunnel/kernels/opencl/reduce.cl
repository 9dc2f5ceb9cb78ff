// Reductions over the middle axis of an [outer, n, inner] view, in two shapes:
//  *_tree:   one work-group per output (o, i); the group strides over n, then combines its
//            partial results in local memory (for long rows, few outputs);
//  *_serial: one work-item per output, looping over n (for many outputs: neighbouring
//            work-items read neighbouring inner elements, so loads coalesce).
// Local-memory trees need a power-of-two group size; the host guarantees it.

float reduce_identity(int op) {
    return op == R_SUM ? 0.0f : (op == R_MAX ? -INFINITY : INFINITY);
}

// MAX/MIN propagate NaN like the reference (fmax/fmin would drop it).
float reduce_combine(int op, float a, float b) {
    if (op == R_SUM) {
        return a + b;
    }
    if (isnan(a)) {
        return a;
    }
    if (isnan(b)) {
        return b;
    }
    return op == R_MAX ? (b > a ? b : a) : (b < a ? b : a);
}

// Partial result of work-item `start` striding by `step` over one row.
float reduce_partial(int op, global const float* row, int n, int inner, int start, int step) {
    float acc = reduce_identity(op);
    float comp = 0.0f;
    for (int j = start; j < n; j += step) {
        float v = row[(size_t) j * inner];
        if (op == R_SUM) {
            kahan_add(&acc, &comp, v);
        } else {
            acc = reduce_combine(op, acc, v);
        }
    }
    return op == R_SUM ? acc - comp : acc;
}

// Tree-combines scratch[0..size) into scratch[0]; every work-item of the group must call it.
void tree_combine(int op, local float* scratch) {
    int lid = get_local_id(0);
    for (int s = get_local_size(0) / 2; s > 0; s >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < s) {
            scratch[lid] = reduce_combine(op, scratch[lid], scratch[lid + s]);
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
}

kernel void reduce_tree(int op, global const float* x, global float* out, int n, int inner, local float* scratch) {
    int g = get_group_id(0);
    int o = g / inner;
    int i = g - o * inner;
    global const float* row = x + (size_t) o * n * inner + i;
    scratch[get_local_id(0)] = reduce_partial(op, row, n, inner, get_local_id(0), get_local_size(0));
    tree_combine(op, scratch);
    if (get_local_id(0) == 0) {
        out[g] = scratch[0];
    }
}

// First pass of a two-pass reduction of long contiguous rows (inner == 1) when there are too
// few rows to occupy the device: group (o, part) reduces elements [part·len, (part+1)·len) of
// row o into partial[o·parts + part]; reduce_tree then combines each row's parts.
kernel void reduce_tree_parts(int op, global const float* x, global float* partial, int n, int parts, int part_len,
                              local float* scratch) {
    int g = get_group_id(0);
    int o = g / parts;
    int start = (g - o * parts) * part_len;
    int len = min(part_len, n - start);
    scratch[get_local_id(0)] = reduce_partial(op, x + (size_t) o * n + start, len, 1, get_local_id(0), get_local_size(0));
    tree_combine(op, scratch);
    if (get_local_id(0) == 0) {
        partial[g] = scratch[0];
    }
}

kernel void reduce_serial(int op, global const float* x, global float* out, int outer, int n, int inner) {
    int g = get_global_id(0);
    if (g >= outer * inner) {
        return;
    }
    int o = g / inner;
    int i = g - o * inner;
    out[g] = reduce_partial(op, x + (size_t) o * n * inner + i, n, inner, 0, 1);
}

// ---------------------------------------------------------------- argmax / argmin

// The reference scans j = 1..n-1 replacing the best only on a strict improvement, so NaN
// never wins except at j = 0, where it is never replaced. As a strict total order: a NaN at
// j = 0 beats everything, numbers beat other NaNs, larger (smaller) numbers win, and ties go
// to the lower index. Any reduction order then gives the reference's answer.
int arg_rank(float v, int j) {
    return isnan(v) ? (j == 0 ? 2 : 0) : 1;
}

int arg_better(int is_max, float va, int ja, float vb, int jb) {
    int ra = arg_rank(va, ja);
    int rb = arg_rank(vb, jb);
    if (ra != rb) {
        return ra > rb;
    }
    if (ra == 1 && va != vb) {
        return is_max ? va > vb : va < vb;
    }
    return ja < jb;
}

kernel void arg_tree(int is_max, global const float* x, global float* out, int n, int inner,
                     local float* values, local int* indices) {
    int g = get_group_id(0);
    int o = g / inner;
    int i = g - o * inner;
    int lid = get_local_id(0);
    global const float* row = x + (size_t) o * n * inner + i;
    float best = NAN;
    int at = -1;
    for (int j = lid; j < n; j += get_local_size(0)) {
        float v = row[(size_t) j * inner];
        if (at < 0 || arg_better(is_max, v, j, best, at)) {
            best = v;
            at = j;
        }
    }
    values[lid] = best;
    indices[lid] = at;
    for (int s = get_local_size(0) / 2; s > 0; s >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < s) {
            int jb = indices[lid + s];
            if (jb >= 0 && (indices[lid] < 0 || arg_better(is_max, values[lid + s], jb, values[lid], indices[lid]))) {
                values[lid] = values[lid + s];
                indices[lid] = jb;
            }
        }
    }
    if (lid == 0) {
        out[g] = (float) indices[0];
    }
}

kernel void arg_serial(int is_max, global const float* x, global float* out, int outer, int n, int inner) {
    int g = get_global_id(0);
    if (g >= outer * inner) {
        return;
    }
    int o = g / inner;
    int i = g - o * inner;
    global const float* row = x + (size_t) o * n * inner + i;
    int best = 0;
    float bv = row[0];
    for (int j = 1; j < n; j++) {
        float v = row[(size_t) j * inner];
        if (is_max ? v > bv : v < bv) {
            bv = v;
            best = j;
        }
    }
    out[g] = (float) best;
}

// ---------------------------------------------------------------- softmax

// Java's Math.max: NaN if either is NaN.
float max_nan(float a, float b) {
    return isnan(a) || isnan(b) ? NAN : (a > b ? a : b);
}

float softmax_value(float x, float m, float s, float log_s, int log_mode) {
    float v = x - m;
    return log_mode ? v - log_s : exp(v) / s;
}

kernel void softmax_tree(global const float* x, global float* y, int n, int inner, int log_mode, local float* scratch) {
    int g = get_group_id(0);
    int o = g / inner;
    int i = g - o * inner;
    int lid = get_local_id(0);
    int ls = get_local_size(0);
    size_t base = (size_t) o * n * inner + i;
    float m = -INFINITY;
    for (int j = lid; j < n; j += ls) {
        m = max_nan(m, x[base + (size_t) j * inner]);
    }
    scratch[lid] = m;
    for (int s = ls / 2; s > 0; s >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < s) {
            scratch[lid] = max_nan(scratch[lid], scratch[lid + s]);
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    m = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    float sum = 0.0f;
    float comp = 0.0f;
    for (int j = lid; j < n; j += ls) {
        kahan_add(&sum, &comp, exp(x[base + (size_t) j * inner] - m));
    }
    scratch[lid] = sum - comp;
    tree_combine(R_SUM, scratch);
    float s = scratch[0];
    float log_s = log(s);
    for (int j = lid; j < n; j += ls) {
        size_t q = base + (size_t) j * inner;
        y[q] = softmax_value(x[q], m, s, log_s, log_mode);
    }
}

kernel void softmax_serial(global const float* x, global float* y, int outer, int n, int inner, int log_mode) {
    int g = get_global_id(0);
    if (g >= outer * inner) {
        return;
    }
    int o = g / inner;
    int i = g - o * inner;
    size_t base = (size_t) o * n * inner + i;
    float m = -INFINITY;
    for (int j = 0; j < n; j++) {
        m = max_nan(m, x[base + (size_t) j * inner]);
    }
    float sum = 0.0f;
    float comp = 0.0f;
    for (int j = 0; j < n; j++) {
        kahan_add(&sum, &comp, exp(x[base + (size_t) j * inner] - m));
    }
    float s = sum - comp;
    float log_s = log(s);
    for (int j = 0; j < n; j++) {
        size_t q = base + (size_t) j * inner;
        y[q] = softmax_value(x[q], m, s, log_s, log_mode);
    }
}

// Backward given the forward output y: s = Σ g (log) or Σ g·y; gx = g − e^y·s or y·(g − s).
float softmax_grad_term(float g, float y, int log_mode) {
    return log_mode ? g : g * y;
}

float softmax_grad(float g, float y, float s, int log_mode) {
    return log_mode ? g - exp(y) * s : y * (g - s);
}

kernel void softmax_backward_tree(global const float* y, global const float* gy, global float* gx, int n, int inner,
                                  int log_mode, local float* scratch) {
    int g = get_group_id(0);
    int o = g / inner;
    int i = g - o * inner;
    int lid = get_local_id(0);
    int ls = get_local_size(0);
    size_t base = (size_t) o * n * inner + i;
    float sum = 0.0f;
    float comp = 0.0f;
    for (int j = lid; j < n; j += ls) {
        size_t q = base + (size_t) j * inner;
        kahan_add(&sum, &comp, softmax_grad_term(gy[q], y[q], log_mode));
    }
    scratch[lid] = sum - comp;
    tree_combine(R_SUM, scratch);
    float s = scratch[0];
    for (int j = lid; j < n; j += ls) {
        size_t q = base + (size_t) j * inner;
        gx[q] = softmax_grad(gy[q], y[q], s, log_mode);
    }
}

kernel void softmax_backward_serial(global const float* y, global const float* gy, global float* gx, int outer, int n,
                                    int inner, int log_mode) {
    int g = get_global_id(0);
    if (g >= outer * inner) {
        return;
    }
    int o = g / inner;
    int i = g - o * inner;
    size_t base = (size_t) o * n * inner + i;
    float sum = 0.0f;
    float comp = 0.0f;
    for (int j = 0; j < n; j++) {
        size_t q = base + (size_t) j * inner;
        kahan_add(&sum, &comp, softmax_grad_term(gy[q], y[q], log_mode));
    }
    float s = sum - comp;
    for (int j = 0; j < n; j++) {
        size_t q = base + (size_t) j * inner;
        gx[q] = softmax_grad(gy[q], y[q], s, log_mode);
    }
}
