// gather / scatterAdd over [outer, n, inner] with index tensors [outer, k, inner] of floats
// holding integers. An out-of-range index is recorded in err = {flag, index} (the host turns it
// into an IndexOutOfBoundsException) and the element is skipped.

kernel void gather(global const float* x, global const float* index, global float* out, int outer, int n, int inner, int k,
                   volatile global int* err) {
    int q = get_global_id(0);
    if (q >= outer * k * inner) {
        return;
    }
    int i = q % inner;
    int p = q / (k * inner);
    int at = index_of(index[q]);
    if (at < 0 || at >= n) {
        report_bad_index(err, at);
        out[q] = NAN;
        return;
    }
    out[q] = x[((size_t) p * n + at) * inner + i];
}

// Owner form: one work-item per output element scans the k indices of its (outer, inner)
// column and adds the matching sources in order: deterministic, and cheap while k is small.
kernel void scatter_add_owned(global const float* src, global const float* index, global float* out, int outer, int n,
                              int inner, int k, volatile global int* err) {
    int e = get_global_id(0);
    if (e >= outer * n * inner) {
        return;
    }
    int i = e % inner;
    int t = (e / inner) % n;
    int p = e / (n * inner);
    float acc = out[e];
    for (int j = 0; j < k; j++) {
        size_t q = ((size_t) p * k + j) * inner + i;
        int at = index_of(index[q]);
        if (at == t) {
            acc += src[q];
        } else if ((at < 0 || at >= n) && t == 0) {
            report_bad_index(err, at); // reported once per column, by its row-0 owner
        }
    }
    out[e] = acc;
}

// OpenCL 1.2 has no float atomic add: retry a compare-and-swap on the float's bits.
void atomic_add_float(volatile global float* p, float v) {
    union { unsigned int u; float f; } old, updated;
    do {
        old.f = *p;
        updated.f = old.f + v;
    } while (atomic_cmpxchg((volatile global unsigned int*) p, old.u, updated.u) != old.u);
}

// Atomic form: one work-item per source element, for large k·n where the owner form would
// scan too much. The order of additions into one element is not fixed.
kernel void scatter_add_atomic(global const float* src, global const float* index, global float* out, int outer, int n,
                               int inner, int k, volatile global int* err) {
    int q = get_global_id(0);
    if (q >= outer * k * inner) {
        return;
    }
    int i = q % inner;
    int p = q / (k * inner);
    int at = index_of(index[q]);
    if (at < 0 || at >= n) {
        report_bad_index(err, at);
        return;
    }
    atomic_add_float((volatile global float*) &out[((size_t) p * n + at) * inner + i], src[q]);
}
