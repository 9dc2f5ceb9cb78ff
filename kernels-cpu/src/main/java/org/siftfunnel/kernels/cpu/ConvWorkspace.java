package org.siftfunnel.kernels.cpu;

/**
 * Per-thread scratch arrays of the convolution kernels, grown on demand and kept, so that
 * steady-state training allocates nothing per call. {@link #columns} and {@link #tile} are
 * used only by work running on the owning thread; {@link #partials} only by a call that the
 * owning thread makes (other threads write into it while that call waits for them).
 */
final class ConvWorkspace {

    private static final ThreadLocal<ConvWorkspace> CURRENT = ThreadLocal.withInitial(ConvWorkspace::new);

    private float[] columns = new float[0];
    private float[] tile = new float[0];
    private float[][] partials = new float[0][];
    private float[] accumulators = new float[0];
    private float[] weights = new float[0];

    /** The calling thread's workspace. */
    static ConvWorkspace current() {
        return CURRENT.get();
    }

    /** The im2col matrix (or its gradient), at least {@code size} floats. */
    float[] columns(int size) {
        if (columns.length < size) {
            columns = new float[size];
        }
        return columns;
    }

    /** A [channels, tile] block of an output or output gradient, at least {@code size} floats. */
    float[] tile(int size) {
        if (tile.length < size) {
            tile = new float[size];
        }
        return tile;
    }

    /** Vector accumulators of a direct convolution's weight gradient, at least {@code size} floats. */
    float[] accumulators(int size) {
        if (accumulators.length < size) {
            accumulators = new float[size];
        }
        return accumulators;
    }

    /** Weights re-arranged for one call (read by the call's other threads while it waits), at least {@code size} floats. */
    float[] weights(int size) {
        if (weights.length < size) {
            weights = new float[size];
        }
        return weights;
    }

    /** {@code count} per-part accumulators of at least {@code size} floats each. */
    float[][] partials(int count, int size) {
        if (partials.length < count) {
            partials = java.util.Arrays.copyOf(partials, count);
        }
        for (int i = 0; i < count; i++) {
            if (partials[i] == null || partials[i].length < size) {
                partials[i] = new float[size];
            }
        }
        return partials;
    }
}
