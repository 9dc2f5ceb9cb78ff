package org.siftfunnel.model.report;

/** The outcome of checking one of the paper's claims against the measured numbers. */
public enum Verdict {
    PASS, FAIL, NOT_MEASURED,
    /** Measured, but too close to the measurement's floor to compare (e.g. MINE estimates ≈ 0 from a critic that barely trained). */
    INCONCLUSIVE;

    /** As printed in the report. */
    public String label() {
        return this == NOT_MEASURED ? "NOT MEASURED" : name();
    }
}
