package org.siftfunnel.model.arch;

/**
 * The task-dependent settings every architecture is built from: input channels (1 for
 * greyscale, 3 for RGB), square input size and number of classes, plus an optional override
 * of the head's dropout probabilities.
 *
 * <p>The input size must be a positive multiple of 16 (the 4-block CNN halves it four times);
 * VGG16-BN and ResNet-18 additionally need at least 32 (checked by those builders).
 *
 * @param channels        1 or 3
 * @param imageSize       height = width of the input, a multiple of 16
 * @param classes         number of classes, at least 2
 * @param dropoutOverride NaN to use each architecture's own dropout probabilities (the
 *                        paper's), otherwise the probability used by every dropout layer of
 *                        the head (e.g. 0 for a deterministic training step)
 */
public record ArchConfig(int channels, int imageSize, int classes, float dropoutOverride) {
    public ArchConfig {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("ArchConfig: channels must be 1 (greyscale) or 3 (RGB), got " + channels);
        }
        if (imageSize < 16 || imageSize % 16 != 0) {
            throw new IllegalArgumentException("ArchConfig: imageSize must be a positive multiple of 16 (e.g. 32 or 64), got "
                    + imageSize);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("ArchConfig: classes must be at least 2, got " + classes);
        }
        if (!Float.isNaN(dropoutOverride) && !(dropoutOverride >= 0f && dropoutOverride < 1f)) {
            throw new IllegalArgumentException("ArchConfig: dropout override must be in [0, 1) (or NaN for the paper's values), got "
                    + dropoutOverride);
        }
    }

    /** With the architectures' own dropout probabilities. */
    public static ArchConfig of(int channels, int imageSize, int classes) {
        return new ArchConfig(channels, imageSize, classes, Float.NaN);
    }

    /** A copy whose head dropout layers all use probability {@code p}. */
    public ArchConfig withDropout(float p) {
        return new ArchConfig(channels, imageSize, classes, p);
    }

    /** The probability a dropout layer uses: the override when set, else {@code paperValue}. */
    public float dropout(float paperValue) {
        return Float.isNaN(dropoutOverride) ? paperValue : dropoutOverride;
    }

    /** The per-sample input shape {@code [channels, imageSize, imageSize]}. */
    public int[] inputShape() {
        return new int[] {channels, imageSize, imageSize};
    }

    /**
     * Checks an architecture-specific minimum input size.
     *
     * @throws IllegalArgumentException naming the architecture and the size
     */
    public void requireImageSizeAtLeast(int minimum, String architecture) {
        if (imageSize < minimum) {
            throw new IllegalArgumentException(architecture + ": imageSize must be at least " + minimum + ", got " + imageSize);
        }
    }
}
