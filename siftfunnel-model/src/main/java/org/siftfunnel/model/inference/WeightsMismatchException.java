package org.siftfunnel.model.inference;

/**
 * A state dict that cannot fill a model: tensors missing or of another shape. The message
 * names each (with both shapes); the full {@link LoadReport} is available to callers.
 */
public final class WeightsMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient LoadReport report;

    WeightsMismatchException(LoadReport report, String message) {
        super(message);
        this.report = report;
    }

    private WeightsMismatchException(String message, LoadReport report, Throwable cause) {
        super(message, cause);
        this.report = report;
    }

    /** The same problem with {@code context} (e.g. the file and the model) in front of the message. */
    public WeightsMismatchException withContext(String context) {
        return new WeightsMismatchException(context + ": " + getMessage(), report, this);
    }

    public LoadReport report() {
        return report;
    }
}
