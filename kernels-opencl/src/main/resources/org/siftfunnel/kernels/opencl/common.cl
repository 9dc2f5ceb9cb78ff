// Shared by every program. Contraction is off so that a*b+c is never fused into an FMA
// behind our back: the random fills must reproduce the Java reference bit for bit, and the
// other kernels should round like the Java code they mirror. Kernels that want FMA (GEMM)
// call fma() explicitly.
#pragma OPENCL FP_CONTRACT OFF
//
// Helper functions are plain (not `inline`): under C99 inline semantics an `inline` definition
// provides no external symbol, which some compilers fail to link when they do not inline
// (e.g. with optimisation off); compilers inline small functions anyway.

// The host passes -DSIFTFUNNEL_NO_FP64 when it will not pass doubles (no cl_khr_fp64, or tests
// of the float path).
#if defined(cl_khr_fp64) && !defined(SIFTFUNNEL_NO_FP64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define HAVE_FP64 1
// Host-computed constants that the Java reference keeps in double.
typedef double hp_float;
#else
typedef float hp_float;
#endif

// Compensated (Kahan) summation: the partial sums of long reductions keep ~float precision
// instead of losing log2(n) bits. The compensation is dropped once the sum is infinite or NaN,
// where it would turn inf into NaN.
void kahan_add(float* sum, float* comp, float v) {
    float y = v - *comp;
    float t = *sum + y;
    *comp = isfinite(t) ? (t - *sum) - y : 0.0f;
    *sum = t;
}

// Java's (int) cast of a float holding an index: truncation, saturation, NaN -> 0.
int index_of(float v) {
    return convert_int_sat_rtz(v);
}

// Records the first out-of-range index into err = {flag, index}; the host checks it after the op.
void report_bad_index(volatile global int* err, int at) {
    if (atomic_cmpxchg(err, 0, 1) == 0) {
        err[1] = at;
    }
}
