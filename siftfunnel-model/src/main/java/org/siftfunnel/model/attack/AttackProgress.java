package org.siftfunnel.model.attack;

import java.io.PrintStream;
import java.util.Objects;

import org.siftfunnel.model.console.ProgressBar;

/**
 * Where an attack reports how far its long steps (decoder epochs, inversion iterations) are.
 * A stage is a label such as {@code "blackbox: epoch 3/100"}; {@code done} counts up to
 * {@code total} within it and {@code info} is a short status (current loss).
 */
@FunctionalInterface
public interface AttackProgress {

    /** Ignores all reports. */
    AttackProgress NONE = (stage, done, total, info) -> {
    };

    void update(String stage, long done, long total, String info);

    /** Draws one {@link ProgressBar} per stage on {@code out}. */
    static AttackProgress console(PrintStream out) {
        Objects.requireNonNull(out, "AttackProgress.console: out");
        return new AttackProgress() {
            private String stage;
            private ProgressBar bar;

            @Override
            public synchronized void update(String s, long done, long total, String info) {
                if (!s.equals(stage)) {
                    stage = s;
                    bar = new ProgressBar(out, s, total);
                }
                if (done >= total) {
                    bar.done(info);
                    stage = null;
                } else {
                    bar.update(done, info);
                }
            }
        };
    }
}
