// Philox4x32-10 fills, reproducing org.siftfunnel.engine.random.Philox: element i uses counter
// (lo32(offset + i), hi32(offset + i), 0, 0) and key (lo32(seed), hi32(seed)). Integer rounds,
// then float arithmetic in the reference's exact order (contraction is off), so uniform and
// Bernoulli draws are bit-identical to the Java reference.

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

// Output words 0 and 1 of the block.
uint2 philox_draw2(ulong seed, ulong counter) {
    uint c0 = (uint) counter;
    uint c1 = (uint) (counter >> 32);
    uint c2 = 0u;
    uint c3 = 0u;
    uint k0 = (uint) seed;
    uint k1 = (uint) (seed >> 32);
    for (int round = 0; round < 10; round++) {
        uint hi0 = mul_hi(PHILOX_M0, c0);
        uint lo0 = PHILOX_M0 * c0;
        uint hi1 = mul_hi(PHILOX_M1, c2);
        uint lo1 = PHILOX_M1 * c2;
        uint n0 = hi1 ^ c1 ^ k0;
        uint n2 = hi0 ^ c3 ^ k1;
        c0 = n0;
        c1 = lo1;
        c2 = n2;
        c3 = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    return (uint2)(c0, c1);
}

// Uniform in [0, 1) from the top 24 bits of word 0 (exact in float).
float philox_unit(uint w0) {
    return (float) (w0 >> 8) * 0x1.0p-24f;
}

kernel void random_uniform(global float* out, int n, long seed, long offset, float lo, float hi) {
    int i = get_global_id(0);
    if (i < n) {
        float u = philox_unit(philox_draw2((ulong) seed, (ulong) offset + (ulong) i).x);
        out[i] = lo + u * (hi - lo);
    }
}

kernel void random_bernoulli(global float* out, int n, long seed, long offset, float p) {
    int i = get_global_id(0);
    if (i < n) {
        float u = philox_unit(philox_draw2((ulong) seed, (ulong) offset + (ulong) i).x);
        out[i] = u < p ? 1.0f : 0.0f;
    }
}

// Box–Muller on words 0 and 1: u1 = (top24(w0) + 1)·2^-24 in (0, 1], u2 = top24(w1)·2^-24.
// In double where the device has it (as the reference); otherwise in float with cospi, whose
// argument 2·u2 is exact, which keeps the result within ~3e-7 relative.
kernel void random_normal(global float* out, int n, long seed, long offset, float mean, float std) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    uint2 w = philox_draw2((ulong) seed, (ulong) offset + (ulong) i);
#ifdef HAVE_FP64
    double u1 = (double) ((w.x >> 8) + 1u) * 0x1.0p-24;
    double u2 = (double) (w.y >> 8) * 0x1.0p-24;
    float z = (float) (sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2));
#else
    float u1 = (float) ((w.x >> 8) + 1u) * 0x1.0p-24f;
    float u2 = (float) (w.y >> 8) * 0x1.0p-24f;
    float z = sqrt(-2.0f * log(u1)) * cospi(2.0f * u2);
#endif
    out[i] = mean + std * z;
}
