package org.siftfunnel.kernels.cpu;

/**
 * Per-thread scratch arrays of the convolution kernels, grown on demand and kept, so that
 * steady-state training allocates nothing per call. {@link #columns}, {@link #tile},
 * {@link #accumulators} and {@link #plane} are used only by work running on the owning thread, and only within
 * one part of a split: a thread of the team may run several parts of one call in turn, so a result
 * that outlives its part never goes here. {@link #partials} and {@link #weights} belong to a
 * call that the owning thread makes (other threads write or read them while that call waits
 * for them); per-part results go into {@link #partials} (or {@link #doublePartials}), indexed
 * by the part.
 */
final class ConvWorkspace {

    private static final ThreadLocal<ConvWorkspace> CURRENT = ThreadLocal.withInitial(ConvWorkspace::new);

    private float[] columns = new float[0];
    private float[] tile = new float[0];
    private float[][] partials = new float[0][];
    private double[][] doublePartials = new double[0][];
    private float[] accumulators = new float[0];
    private float[] weights = new float[0];
    private float[] plane = new float[0];

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

    /** Vector accumulators of one part of a direct convolution's weight gradient, at least {@code size} floats. */
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

    /** One padded plane (or a few) of a part's transforms, at least {@code size} floats. */
    float[] plane(int size) {
        if (plane.length < size) {
            plane = new float[size];
        }
        return plane;
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

    /** {@code count} per-part double accumulators of at least {@code size} values each (not zeroed). */
    double[][] doublePartials(int count, int size) {
        if (doublePartials.length < count) {
            doublePartials = java.util.Arrays.copyOf(doublePartials, count);
        }
        for (int i = 0; i < count; i++) {
            if (doublePartials[i] == null || doublePartials[i].length < size) {
                doublePartials[i] = new double[size];
            }
        }
        return doublePartials;
    }
}
