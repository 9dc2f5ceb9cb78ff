package org.siftfunnel.model.attack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.io.Snapshots;
import org.siftfunnel.engine.nn.Conv2d;
import org.siftfunnel.engine.nn.Flatten;
import org.siftfunnel.engine.nn.Linear;
import org.siftfunnel.engine.nn.LogSoftmax;
import org.siftfunnel.engine.nn.Module;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.arch.Stage;
import org.siftfunnel.model.data.DataSources;
import org.siftfunnel.model.data.DataSplits;
import org.siftfunnel.model.data.Dataset;
import org.siftfunnel.model.data.Preprocessing;
import org.siftfunnel.model.data.StratifiedSplit;

/** Small victims, data and contexts for the attack tests (16×16 greyscale, the default backend). */
final class AttackFixtures {
    static final int SIZE = 16;
    private static DataSplits bundled;

    private AttackFixtures() {
    }

    /** The bundled Fashion-MNIST subset, loaded once. */
    static synchronized DataSplits bundled() {
        if (bundled == null) {
            try {
                bundled = DataSources.load("bundled");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bundled;
    }

    /** n images of {@code d}, a seeded random choice, in index order. */
    static Dataset sample(Dataset d, int n, long seed) {
        int[] idx = new int[d.size()];
        Arrays.setAll(idx, i -> i);
        StratifiedSplit.shuffle(idx, new RandomSource(seed));
        int[] chosen = Arrays.copyOf(idx, n);
        Arrays.sort(chosen);
        return d.subset(chosen, d.name() + "-" + n, n + " test images");
    }

    /** The paper's preprocessing at 16×16 greyscale (Fashion-MNIST is resized from 28×28). */
    static Preprocessing preprocessing() {
        return Preprocessing.paper(SIZE, 1);
    }

    static AttackContext context(SplitModel victim, Dataset aux, Dataset privateTrain, UnaryOperator<Tensor> perturbation, long seed) {
        return new AttackContext(victim, perturbation, aux, privateTrain, preprocessing(), Backends.getDefault(), seed,
                AttackProgress.NONE);
    }

    /**
     * A victim whose edge is a single fixed 3×3 convolution 1→4 (padding 1, no pooling): the
     * features determine the input, so white-box inversion can recover it almost exactly.
     */
    static SplitModel convEdgeVictim(long seed) {
        return twoLayerVictim(seed, 1f, false);
    }

    /**
     * A victim with edge conv3×3(1→4) → ReLU → conv3×3(4→4); the last conv's weight and bias are
     * multiplied by {@code lastScale} (so its features are exactly {@code lastScale} times those
     * of the unscaled victim with the same seed).
     */
    static SplitModel twoLayerVictim(long seed, float lastScale, boolean twoLayers) {
        RandomSource rng = new RandomSource(seed);
        ArchConfig config = ArchConfig.of(1, SIZE, 10);
        Conv2d first = new Conv2d(1, 4, 3, 1, 1, true, rng);
        Stage edge = new Stage().add("conv1", first);
        if (twoLayers) {
            Conv2d second = new Conv2d(4, 4, 3, 1, 1, true, rng);
            scale(second, lastScale);
            edge.add("relu", new org.siftfunnel.engine.nn.ReLU()).add("conv2", second);
        }
        Stage cloud = new Stage().add("flatten", new Flatten()).add("fc", new Linear(4 * SIZE * SIZE, 10, rng))
                .add("log_softmax", new LogSoftmax(1));
        return new SplitModel("test/conv-edge", config, edge, cloud, new int[] {4, SIZE, SIZE});
    }

    private static void scale(Module m, float s) {
        try (GradMode.Scope g = GradMode.noGrad()) {
            for (Tensor p : m.parameters()) {
                p.copyFrom(p.mul(s));
            }
        }
    }

    /** Thrown by {@link MemorySnapshots} where a killed process would have ended. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped after a snapshot");
        }
    }

    /**
     * Keeps the last snapshot of every name in memory, with the position of one outside stream
     * (a defense's noise; null if none) at each save, as the evaluation's store does; every
     * offer is due unless {@code stopAfter} is {@link Integer#MAX_VALUE}; throws {@link Stopped}
     * after {@code stopAfter} saves, as a killed process would end.
     */
    static final class MemorySnapshots implements Snapshots {
        private final Map<String, Snapshots.Snapshot> saved = new java.util.LinkedHashMap<>();
        private final Map<String, Long> positions = new java.util.HashMap<>();
        private RandomSource stream;
        private int stopAfter;
        int saves;
        int loads;

        MemorySnapshots(RandomSource stream, int stopAfter) {
            this.stream = stream;
            this.stopAfter = stopAfter;
        }

        /** The next attempt: its outside stream (a fresh one, as in a new process), and it runs to the end. */
        void resumeWith(RandomSource s) {
            stream = s;
            stopAfter = Integer.MAX_VALUE - 1;
        }

        Snapshots.Snapshot saved(String name) {
            return saved.get(name);
        }

        @Override
        public boolean due() {
            return stopAfter != Integer.MAX_VALUE;
        }

        @Override
        public void save(String n, Snapshots.Snapshot snapshot) {
            Map<String, Tensor> copies = new java.util.LinkedHashMap<>();
            snapshot.tensors().forEach((k, v) -> copies.put(k, v.copy()));
            saved.put(n, new Snapshots.Snapshot(copies, snapshot.values()));
            positions.put(n, stream == null ? 0 : stream.position());
            if (++saves == stopAfter) {
                throw new Stopped();
            }
        }

        @Override
        public Snapshots.Snapshot load(String n) {
            Snapshots.Snapshot s = saved.get(n);
            if (s == null) {
                return null;
            }
            loads++;
            if (stream != null) {
                stream.seek(positions.get(n));
            }
            return s;
        }
    }
}
