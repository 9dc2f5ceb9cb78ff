package org.siftfunnel.model.metrics;

/**
 * Mean and standard deviation of a list of values (per image or per batch). The standard
 * deviation is the population one (divide by n, numpy's default {@code np.std}).
 *
 * <p>Infinite values are legitimate (the PSNR of an exact reconstruction); they make the mean
 * infinite and the standard deviation undefined (NaN), and {@link #infinite()} counts them so a
 * report can say how many there were.
 *
 * @param mean     the mean of all values
 * @param std      the population standard deviation, NaN when a value is infinite
 * @param count    how many values
 * @param infinite how many of them are ±infinite
 */
public record Summary(double mean, double std, int count, int infinite) {

    /** The summary of {@code values}; NaN values are rejected (they are bugs, not results). */
    public static Summary of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("summary: no values to summarise");
        }
        int infinite = 0;
        double sum = 0;
        for (double v : values) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("summary: NaN among the values");
            }
            if (Double.isInfinite(v)) {
                infinite++;
            }
            sum += v;
        }
        double mean = sum / values.length;
        if (infinite > 0) {
            return new Summary(mean, Double.NaN, values.length, infinite);
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new Summary(mean, Math.sqrt(squares / values.length), values.length, 0);
    }
}
