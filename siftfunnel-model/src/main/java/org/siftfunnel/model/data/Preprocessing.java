package org.siftfunnel.model.data;

/**
 * What turns a stored image into model input: colour conversion, a bilinear resize to
 * {@code size}×{@code size} ({@link Resize}; 0 keeps the stored size), and the
 * normalisation. Augmentation, when training, happens between resizing and normalising, as
 * in the paper's torchvision pipeline; the raw (un-normalised) image is what attacks target.
 */
public record Preprocessing(int size, ColorMode color, Normalization normalization) {
    public Preprocessing {
        if (size < 0 || size > IdxFormat.MAX_SIDE) {
            throw new IllegalArgumentException("preprocessing: size must be in [0, " + IdxFormat.MAX_SIDE + "] (0 keeps the"
                    + " stored size), got " + size);
        }
        if (color == null || normalization == null) {
            throw new IllegalArgumentException("preprocessing: color mode and normalization are required");
        }
    }

    /** The paper's pipeline at a given input size: no colour change, its mean/std for the channel count. */
    public static Preprocessing paper(int size, int channels) {
        return new Preprocessing(size, ColorMode.KEEP, Normalization.paperDefault(channels));
    }

    public int outputChannels(ImageSource source) {
        return color.outputChannels(source.channels());
    }

    public int outputHeight(ImageSource source) {
        return size == 0 ? source.height() : size;
    }

    public int outputWidth(ImageSource source) {
        return size == 0 ? source.width() : size;
    }

    /** The per-source worker: resize tables and scratch buffers. */
    public Pipeline pipeline(ImageSource source) {
        return new Pipeline(this, source);
    }

    /** Prepares images of one source. Not thread-safe (it reuses scratch buffers); make one per thread. */
    public static final class Pipeline {
        private final ImageSource source;
        private final ColorMode color;
        private final Normalization normalization;
        private final int inChannels;
        private final int outChannels;
        private final int outH;
        private final int outW;
        private final Resize.Plan resize;
        private final float[] stored;
        private final float[] converted;

        Pipeline(Preprocessing p, ImageSource source) {
            this.source = source;
            this.color = p.color;
            this.normalization = p.normalization;
            this.inChannels = source.channels();
            this.outChannels = p.outputChannels(source);
            this.outH = p.outputHeight(source);
            this.outW = p.outputWidth(source);
            if (normalization.channels() != outChannels) {
                throw new IllegalArgumentException("preprocessing: normalization has " + normalization.channels()
                        + " channels but the images have " + outChannels + " after color mode " + color);
            }
            this.resize = new Resize.Plan(source.height(), source.width(), outH, outW);
            int plane = source.height() * source.width();
            this.stored = new float[inChannels * plane];
            this.converted = new float[outChannels * plane];
        }

        public int channels() {
            return outChannels;
        }

        public int height() {
            return outH;
        }

        public int width() {
            return outW;
        }

        /** Values per prepared image. */
        public int imageSize() {
            return outChannels * outH * outW;
        }

        /** Writes image {@code index}, colour-converted and resized but not normalised, to {@code dst}. */
        public void raw(int index, float[] dst, int offset) {
            source.copyImage(index, stored, 0);
            color.convert(stored, 0, inChannels, source.height() * source.width(), converted, 0);
            resize.apply(converted, 0, outChannels, dst, offset);
        }

        /** Normalises a prepared raw image from {@code src} into {@code dst}. */
        public void normalize(float[] src, int srcOff, float[] dst, int dstOff) {
            normalization.apply(src, srcOff, dst, dstOff, outH * outW);
        }
    }
}
