package org.siftfunnel.model.data;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.random.Philox;
import org.siftfunnel.engine.random.RandomSource;

/**
 * Mini-batches of an {@link ImageSource}, prepared on a background thread while the
 * training thread computes ({@link #epoch} returns a {@link BatchStream}).
 *
 * <p>Determinism: an epoch's order and every image's augmentation come from streams derived
 * with Philox from (seed, epoch) and (seed, epoch, position in the epoch), never from a
 * shared generator, so the same seed gives the same batches whatever the thread timing, and
 * an image's augmentation does not depend on the batch size.
 *
 * <pre>
 * BatchLoader loader = BatchLoader.builder(splits.train()).batchSize(128).shuffle(true)
 *         .preprocessing(Preprocessing.paper(64, 1)).augmentation(Augmentation.PAPER)
 *         .seed(1).backend(backend).build();
 * try (BatchStream batches = loader.epoch(epoch)) {
 *     while (batches.hasNext()) { Batch b = batches.next(); ... }
 * }
 * </pre>
 */
public final class BatchLoader {
    private static final long ORDER_SALT = 0x6F72646572L;
    private static final long AUGMENT_SALT = 0x6175676DL;

    private final ImageSource source;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final Preprocessing preprocessing;
    private final Augmentation augmentation;
    private final long seed;
    private final Backend backend;
    private final int prefetch;

    private BatchLoader(Builder b) {
        this.source = b.source;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.preprocessing = b.preprocessing != null ? b.preprocessing
                : new Preprocessing(0, ColorMode.KEEP, Normalization.identity(b.source.channels()));
        this.augmentation = b.augmentation;
        this.seed = b.seed;
        this.backend = b.backend != null ? b.backend : Backends.getDefault();
        this.prefetch = b.prefetch;
        preprocessing.pipeline(source); // validates channels now rather than on the worker thread
        if (batchesPerEpoch() == 0) {
            throw new IllegalArgumentException("batch loader: " + source.size() + " images make no batch of " + batchSize
                    + (dropLast ? " with dropLast" : ""));
        }
    }

    public static Builder builder(ImageSource source) {
        return new Builder(source);
    }

    /** Options; defaults: batch 128, no shuffle, keep the last partial batch, no resize or normalisation, no augmentation, seed 0, prefetch 2. */
    public static final class Builder {
        private final ImageSource source;
        private int batchSize = 128;
        private boolean shuffle;
        private boolean dropLast;
        private Preprocessing preprocessing;
        private Augmentation augmentation = Augmentation.NONE;
        private long seed;
        private Backend backend;
        private int prefetch = 2;

        private Builder(ImageSource source) {
            if (source == null) {
                throw new IllegalArgumentException("batch loader: source is null");
            }
            this.source = source;
        }

        public Builder batchSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("batch loader: batch size must be ≥ 1, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        public Builder shuffle(boolean on) {
            this.shuffle = on;
            return this;
        }

        public Builder dropLast(boolean on) {
            this.dropLast = on;
            return this;
        }

        public Builder preprocessing(Preprocessing p) {
            this.preprocessing = p;
            return this;
        }

        public Builder augmentation(Augmentation a) {
            this.augmentation = a == null ? Augmentation.NONE : a;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder backend(Backend b) {
            this.backend = b;
            return this;
        }

        /** Batches prepared ahead of the consumer (the bounded queue's capacity). */
        public Builder prefetch(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("batch loader: prefetch must be ≥ 1, got " + n);
            }
            this.prefetch = n;
            return this;
        }

        public BatchLoader build() {
            return new BatchLoader(this);
        }
    }

    public int batchSize() {
        return batchSize;
    }

    public Backend backend() {
        return backend;
    }

    public int batchesPerEpoch() {
        int n = source.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The order in which an epoch visits the images (identity without shuffling). */
    public int[] order(int epoch) {
        int[] order = new int[source.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            StratifiedSplit.shuffle(order, new RandomSource(Philox.draw2(seed ^ ORDER_SALT, epoch)));
        }
        return order;
    }

    /** Starts preparing an epoch's batches on a background thread. Close the stream when done. */
    public BatchStream epoch(int epoch) {
        return new BatchStream(this, epoch, order(epoch), prefetch, backend);
    }

    /** Host-side arrays of a prepared batch. */
    record HostBatch(float[] images, float[] raw, float[] labels, int[] indices, int channels, int height, int width) {
    }

    /** Prepares batch {@code b} of an epoch on the calling thread (the worker calls this). */
    HostBatch prepare(Preprocessing.Pipeline pipeline, int epoch, int[] order, int b) {
        int start = b * batchSize;
        int n = Math.min(batchSize, order.length - start);
        int size = pipeline.imageSize();
        float[] raw = new float[Math.multiplyExact(n, size)];
        float[] images = new float[raw.length];
        float[] labels = new float[n];
        int[] indices = new int[n];
        boolean augment = !augmentation.isIdentity();
        for (int i = 0; i < n; i++) {
            int position = start + i;
            int index = order[position];
            indices[i] = index;
            labels[i] = source.label(index);
            pipeline.raw(index, raw, i * size);
            if (augment) {
                RandomSource rng = new RandomSource(Philox.draw2(Philox.draw2(seed ^ AUGMENT_SALT, epoch), position));
                augmentation.apply(raw, i * size, pipeline.channels(), pipeline.height(), pipeline.width(), rng);
            }
            pipeline.normalize(raw, i * size, images, i * size);
        }
        return new HostBatch(images, raw, labels, indices, pipeline.channels(), pipeline.height(), pipeline.width());
    }

    Preprocessing.Pipeline newPipeline() {
        return preprocessing.pipeline(source);
    }
}
