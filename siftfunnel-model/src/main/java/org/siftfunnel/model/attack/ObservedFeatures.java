package org.siftfunnel.model.attack;

import java.util.Locale;

import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.data.Batch;
import org.siftfunnel.model.data.BatchStream;
import org.siftfunnel.model.data.Dataset;

/**
 * The features the attacker observes for every image of one dataset, with the edge queried once.
 *
 * <p>A decoder trains for tens of epochs on the same auxiliary images and is selected on the
 * same private images each epoch; the edge's answer to an image never changes (eval mode), so it
 * is computed once here and each batch is gathered from it: half the cost of a black-box attack
 * on a small decoder was the edge. When the context's queries are repeatable
 * ({@link AttackContext#repeatableQueries}) the cache holds what the attacker observes. For a
 * randomised defense (noise, dropout) it holds the edge's own answer, and the defense's
 * perturbation is applied to every gathered batch, so each epoch still gets a new draw, as the
 * released code's fresh queries do, and from the same random stream in the same order.
 *
 * <p>The features are computed in index order, in batches of {@link DecoderSettings#EVAL_BATCH};
 * an image's features do not depend on which images share its batch (the edge runs in eval
 * mode), apart from the last bits of rounding where a kernel's blocking depends on the batch.
 */
final class ObservedFeatures {
    /** The most memory a cache may take; larger datasets are queried every epoch instead. */
    static final long MAX_BYTES = 1L << 30;
    private static final long ORDER_SALT = 0x6F6273657276L;

    private final float[] rows;
    private final int[] featureShape;
    private final int dim;
    private final AttackContext ctx;
    /** Whether {@link #rows} are the edge's answers, to be perturbed per batch (a randomised defense). */
    private final boolean perturbPerBatch;

    private ObservedFeatures(float[] rows, int[] featureShape, int dim, AttackContext ctx, boolean perturbPerBatch) {
        this.rows = rows;
        this.featureShape = featureShape;
        this.dim = dim;
        this.ctx = ctx;
        this.perturbPerBatch = perturbPerBatch;
    }

    /**
     * The observed features of every image of {@code data}, or {@code null} when they would
     * take more than {@code maxBytes} (or a quarter of the heap): then the caller queries the
     * edge per batch.
     */
    static ObservedFeatures of(AttackContext ctx, Dataset data, long maxBytes, String label) {
        int[] shape = ctx.featureShape();
        long dim = 1;
        for (int s : shape) {
            dim *= s;
        }
        long bytes = dim * data.size() * Float.BYTES;
        if (bytes > Math.min(maxBytes, Runtime.getRuntime().maxMemory() / 4) || dim * data.size() > Integer.MAX_VALUE - 8) {
            return null;
        }
        int d = (int) dim;
        boolean repeatable = ctx.repeatableQueries();
        float[] rows = new float[d * data.size()];
        var loader = ctx.loader(data, DecoderSettings.EVAL_BATCH, false, ORDER_SALT);
        int batches = loader.batchesPerEpoch();
        int done = 0;
        String stage = label + ": querying the edge once";
        try (BatchStream stream = loader.epoch(0)) {
            while (stream.hasNext()) {
                Batch b = stream.next();
                float[] z = (repeatable ? ctx.observe(b.images()) : ctx.edgeOutput(b.images())).toArray();
                int[] idx = b.indices();
                for (int i = 0; i < idx.length; i++) {
                    System.arraycopy(z, i * d, rows, idx[i] * d, d);
                }
                done++;
                ctx.progress().update(stage, done, batches, String.format(Locale.ROOT, "%d images", data.size()));
            }
        }
        return new ObservedFeatures(rows, shape.clone(), d, ctx, !repeatable);
    }

    /** What the attacker observes for the batch's images, in batch order, on the context's backend. */
    Tensor of(Batch b) {
        int[] idx = b.indices();
        float[] out = new float[idx.length * dim];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(rows, idx[i] * dim, out, i * dim, dim);
        }
        int[] shape = new int[featureShape.length + 1];
        shape[0] = idx.length;
        System.arraycopy(featureShape, 0, shape, 1, featureShape.length);
        Tensor z = Tensor.of(ctx.backend(), out, shape);
        return perturbPerBatch ? ctx.perturb(z) : z;
    }

    /** Whether the cache holds the edge's answers and each batch gets the defense's random perturbation anew. */
    boolean perturbsPerBatch() {
        return perturbPerBatch;
    }

    /** What the attacker observes for batch {@code b}: from {@code cache} when there is one, else a fresh query. */
    static Tensor observe(ObservedFeatures cache, AttackContext ctx, Batch b) {
        return cache != null ? cache.of(b) : ctx.observe(b.images());
    }
}
