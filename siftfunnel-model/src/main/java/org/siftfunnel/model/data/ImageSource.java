package org.siftfunnel.model.data;

/**
 * What a {@link BatchLoader} needs from a set of labelled images: random access to each
 * image as raw floats in [0, 1], channel-major [C, H, W], and its class index.
 * {@link Dataset} is the usual implementation. Implementations must allow concurrent reads.
 */
public interface ImageSource {
    /** Number of images. */
    int size();

    int channels();

    int height();

    int width();

    /** Copies image {@code index} as C·H·W floats in [0, 1] into {@code dst} at {@code offset}. */
    void copyImage(int index, float[] dst, int offset);

    /** The class index of image {@code index}. */
    int label(int index);
}
