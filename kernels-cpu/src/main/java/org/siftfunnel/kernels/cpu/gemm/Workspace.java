package org.siftfunnel.kernels.cpu.gemm;

/**
 * Per-thread packing buffers, product descriptors and split-call jobs, grown on demand and
 * reused across calls so that the GEMM allocates nothing in steady state, on one thread or many.
 */
final class Workspace {

    private static final ThreadLocal<Workspace> CURRENT = ThreadLocal.withInitial(Workspace::new);

    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    private float[] tile = new float[0];
    /** The product this thread was asked for (or one batch entry of it). */
    final Product whole = new Product();
    /** The block of rows or columns of a product this thread computes. */
    final Product part = new Product();
    /** A product this thread split over the team, which it only waits for while the parts run. */
    final Product split = new Product();
    /** The batched call this thread was asked for (its entries fill {@link #whole} or {@link #split}). */
    final Sgemm.Batch batch = new Sgemm.Batch();
    /** This thread's split calls (one call at a time per thread: a caller waits until its parts are done). */
    final Sgemm.BatchJob batchJob = new Sgemm.BatchJob();
    final Sgemm.BlockJob blockJob = new Sgemm.BlockJob();
    final PackedDriver.SharedJob sharedJob = new PackedDriver.SharedJob();

    /** The calling thread's workspace. */
    static Workspace current() {
        return CURRENT.get();
    }

    float[] packedA(int size) {
        if (packedA.length < size) {
            packedA = new float[size];
        }
        return packedA;
    }

    float[] packedB(int size) {
        if (packedB.length < size) {
            packedB = new float[size];
        }
        return packedB;
    }

    float[] tile(int size) {
        if (tile.length < size) {
            tile = new float[size];
        }
        return tile;
    }
}
