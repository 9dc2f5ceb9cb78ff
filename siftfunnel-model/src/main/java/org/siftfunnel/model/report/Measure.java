package org.siftfunnel.model.report;

import java.util.OptionalDouble;

/**
 * One number of results.json with its spread over seeds: {@code std} is NaN when the run had a
 * single seed (no {@code <key>_std} in the file).
 */
public record Measure(double value, double std) {

    public static Measure of(double value) {
        return new Measure(value, Double.NaN);
    }

    public boolean hasStd() {
        return !Double.isNaN(std);
    }

    public OptionalDouble stdIfKnown() {
        return hasStd() ? OptionalDouble.of(std) : OptionalDouble.empty();
    }
}
