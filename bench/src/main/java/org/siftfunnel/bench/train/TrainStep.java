package org.siftfunnel.bench.train;

import java.util.Locale;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.optim.Adam;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.kernels.cpu.CpuBackend;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.objective.LossTerms;
import org.siftfunnel.model.objective.Objective;
import org.siftfunnel.model.objective.SiftFunnelObjective;
import org.siftfunnel.model.objective.TaskObjective;

/**
 * One complete training step of a paper CNN on a fixed synthetic batch, as the trainer runs
 * it: zero the gradients, forward through edge and cloud, the objective (SiftFunnel's full
 * objective for {@code siftfunnel}, the NLL for {@code cnn}), backward, and an Adam update.
 *
 * <p>The batch is greyscale N(0, 1) noise with uniformly drawn labels of 10 classes: the cost
 * of a step does not depend on the pixel values, and synthetic data keeps the benchmark free
 * of data loading.
 */
public final class TrainStep {

    /** Classes of the synthetic task (as Fashion-MNIST). */
    public static final int CLASSES = 10;

    private final String modelName;
    private final int imageSize;
    private final int batch;
    private final Backend backend;
    private final SplitModel model;
    private final Objective objective;
    private final Adam optimizer;
    private final Tensor images;
    private final Tensor labels;

    /**
     * @param model     {@code cnn} (undefended Classifier4) or {@code siftfunnel} (SiftFunnel CNN)
     * @param imageSize input side (a multiple of 16)
     * @param batch     images per step
     * @param backend   where the model and the batch live
     * @param seed      seed of the weights and the batch
     */
    public TrainStep(String model, int imageSize, int batch, Backend backend, long seed) {
        String variant = switch (model.toLowerCase(Locale.ROOT)) {
            case "cnn" -> "none";
            case "siftfunnel" -> "siftfunnel";
            default -> throw new IllegalArgumentException("TrainStep: model must be cnn or siftfunnel, got '" + model + "'");
        };
        if (batch < 2) {
            throw new IllegalArgumentException("TrainStep: batch must be at least 2 (batch norm, dCor), got " + batch);
        }
        this.modelName = model;
        this.imageSize = imageSize;
        this.batch = batch;
        this.backend = backend;
        RandomSource rng = new RandomSource(seed);
        this.model = Architectures.create("cnn", variant, 1, imageSize, CLASSES, rng).to(backend);
        this.model.train();
        this.objective = variant.equals("none") ? new TaskObjective() : SiftFunnelObjective.paperDefaults();
        this.optimizer = new Adam(this.model.parameters(), 1e-3f);
        this.images = Tensor.randn(backend, rng, 0f, 1f, batch, 1, imageSize, imageSize);
        float[] y = new float[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = rng.nextInt(CLASSES);
        }
        this.labels = Tensor.of(backend, y, batch);
    }

    /**
     * The backend for a device name: {@code cpu} with {@code threads} threads and the
     * hardware's SIMD width, {@code reference}, or any other registered device
     * ({@code opencl}, {@code opencl:1}).
     */
    public static Backend backend(String device, int threads) {
        return switch (device.toLowerCase(Locale.ROOT)) {
            case "cpu" -> new CpuBackend(threads, VectorWidth.AUTO);
            case "reference" -> Backends.reference();
            default -> Backends.get(device); // opencl[:Q]; an unknown or unusable device fails with one line
        };
    }

    /** Runs one training step and returns its total loss. */
    public float run() {
        optimizer.zeroGrad();
        Tensor z = model.edge().forward(images);
        Tensor logProbs = model.cloud().forward(z);
        LossTerms terms = objective.evaluate(images, z, logProbs, labels);
        terms.total().backward();
        optimizer.step();
        return terms.totalValue();
    }

    /** For example {@code "siftfunnel 32x32 batch 64 on cpu: 512-bit SIMD (Vector API), 2 threads"}. */
    public String describe() {
        return modelName + " " + imageSize + "x" + imageSize + " batch " + batch + " on " + backend.description();
    }
}
