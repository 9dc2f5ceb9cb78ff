package org.siftfunnel.engine.autograd;

/**
 * Per-thread switch for gradient recording. Recording state lives in a thread-local, so
 * several threads can run no-grad inference on one shared model while another trains.
 *
 * <pre>{@code
 * try (GradMode.Scope s = GradMode.noGrad()) {
 *     Tensor y = model.forward(x);   // records nothing
 * }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    /** Whether operations on this thread currently record a graph. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Disables recording on this thread until the returned scope is closed. */
    public static Scope noGrad() {
        return set(false);
    }

    /** Enables recording on this thread until the returned scope is closed. */
    public static Scope enableGrad() {
        return set(true);
    }

    private static Scope set(boolean value) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = value;
        return () -> flag[0] = previous;
    }

    /** Restores the previous mode on close. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
