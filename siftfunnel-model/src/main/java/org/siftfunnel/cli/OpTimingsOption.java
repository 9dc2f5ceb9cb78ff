package org.siftfunnel.cli;

import java.io.PrintStream;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.timing.OpTimings;

/**
 * The {@code --op-timings} flag, shared by the commands that run a model (train, predict, and
 * any other that adds {@link #SPEC}): {@link #start} switches the backend's per-op recorder on
 * before the work, {@link #print} prints the table (op, calls, total ms, % of the recorded time,
 * mean µs) after it. Without the flag both do nothing, and the backend's recorder stays off.
 */
final class OpTimingsOption {
    static final OptionSpec SPEC = OptionSpec.flag("op-timings",
            "print the time per backend op (calls, total ms, %) at the end (cpu and opencl backends)");

    /** Null when the flag was not given or the backend cannot time its ops. */
    private final OpTimings timings;
    private final String backendName;

    private OpTimingsOption(OpTimings timings, String backendName) {
        this.timings = timings;
        this.backendName = backendName;
    }

    /**
     * Starts recording on {@code backend} when {@code --op-timings} was given, forgetting what
     * was recorded before. A backend without a recorder (the reference backend) gets one line
     * on {@code err} and the command runs on untimed.
     */
    static OpTimingsOption start(Options options, Backend backend, PrintStream err) {
        if (!options.flag(SPEC.name())) {
            return new OpTimingsOption(null, backend.name());
        }
        OpTimings t = backend.opTimings().orElse(null);
        if (t == null) {
            err.println("siftfunnel: --op-timings: the " + backend.name() + " backend cannot time its ops (cpu and opencl can)");
        } else {
            t.reset();
            t.setEnabled(true);
        }
        return new OpTimingsOption(t, backend.name());
    }

    /** Whether ops are being recorded. */
    boolean active() {
        return timings != null;
    }

    /** Prints the table of what was recorded since {@link #start}; nothing when not active. */
    void print(PrintStream out) {
        if (timings == null) {
            return;
        }
        out.println("op timings on " + backendName + " (" + timings.measures() + "):");
        out.print(timings.table());
    }
}
