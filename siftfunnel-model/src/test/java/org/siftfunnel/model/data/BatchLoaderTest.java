package org.siftfunnel.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;

class BatchLoaderTest {
    private static final Backend BACKEND = Backends.reference();

    /** 23 grey 4×4 images; image i has value (i + p)/100 at pixel p and label i % 3. */
    private static Dataset dataset() {
        int n = 23;
        float[] px = new float[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 16; p++) {
                px[i * 16 + p] = (i + p) / 100f;
            }
            labels[i] = i % 3;
        }
        return Dataset.fromFloats("toy", px, n, 1, 4, 4, labels, ClassNames.numbered(3));
    }

    private static List<Batch> all(BatchLoader loader, int epoch) {
        List<Batch> out = new ArrayList<>();
        try (BatchStream s = loader.epoch(epoch)) {
            while (s.hasNext()) {
                out.add(s.next());
            }
            assertThrows(NoSuchElementException.class, s::next);
        }
        return out;
    }

    @Test
    void unshuffledBatchesComeInOrderWithNormalisedAndRawImages() {
        BatchLoader loader = BatchLoader.builder(dataset()).batchSize(5).backend(BACKEND)
                .preprocessing(new Preprocessing(0, ColorMode.KEEP, Normalization.GREY)).build();
        assertEquals(5, loader.batchesPerEpoch());
        List<Batch> batches = all(loader, 0);
        assertEquals(5, batches.size());
        assertEquals(3, batches.get(4).size(), "the last partial batch is kept");
        int next = 0;
        for (Batch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                assertEquals(next, b.indices()[i]);
                assertEquals(next % 3, b.labels().get(i), 0f);
                next++;
            }
            float[] raw = b.raw().toArray();
            float[] img = b.images().toArray();
            assertArrayEquals(new int[] {b.size(), 1, 4, 4}, b.raw().shape());
            for (int k = 0; k < raw.length; k++) {
                assertEquals((raw[k] - 0.5f) / 0.5f, img[k], 1e-6f, "images = normalize(raw)");
            }
            int first = b.indices()[0];
            assertEquals((first + 5) / 100f, raw[5], 1e-7f);
        }
        assertEquals(23, next);
        BatchLoader dropping = BatchLoader.builder(dataset()).batchSize(5).dropLast(true).backend(BACKEND).build();
        assertEquals(4, all(dropping, 0).size());
    }

    @Test
    void shuffleIsASeededPermutationPerEpoch() {
        BatchLoader a = BatchLoader.builder(dataset()).batchSize(4).shuffle(true).seed(7).backend(BACKEND).build();
        BatchLoader b = BatchLoader.builder(dataset()).batchSize(6).shuffle(true).seed(7).backend(BACKEND).build();
        int[] order0 = a.order(0);
        int[] sorted = order0.clone();
        Arrays.sort(sorted);
        int[] identity = new int[23];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted);
        assertFalse(Arrays.equals(identity, order0));
        assertArrayEquals(order0, b.order(0), "the order depends on seed and epoch, not on the batch size");
        assertFalse(Arrays.equals(order0, a.order(1)));
        assertFalse(Arrays.equals(order0,
                BatchLoader.builder(dataset()).shuffle(true).seed(8).backend(BACKEND).build().order(0)));
        int[] delivered = all(a, 0).stream().flatMapToInt(x -> Arrays.stream(x.indices())).toArray();
        assertArrayEquals(order0, delivered);
    }

    @Test
    void augmentedBatchesAreReproducibleAndIndependentOfBatchSize() {
        Preprocessing pre = new Preprocessing(8, ColorMode.RGB, Normalization.RGB);
        BatchLoader.Builder base = BatchLoader.builder(dataset()).shuffle(true).seed(3).backend(BACKEND)
                .preprocessing(pre).augmentation(Augmentation.PAPER);
        List<Batch> one = all(base.batchSize(4).build(), 2);
        List<Batch> two = all(base.batchSize(4).build(), 2);
        List<Batch> other = all(base.batchSize(7).build(), 2);
        for (int k = 0; k < one.size(); k++) {
            assertArrayEquals(one.get(k).images().toArray(), two.get(k).images().toArray(), 0f);
        }
        assertArrayEquals(new int[] {4, 3, 8, 8}, one.get(0).images().shape());
        float[] flatOne = concat(one);
        float[] flatOther = concat(other);
        assertArrayEquals(flatOne, flatOther, 0f);
        List<Batch> epoch3 = all(base.batchSize(4).build(), 3);
        assertFalse(Arrays.equals(flatOne, concat(epoch3)));
        // Augmentation really changed something relative to the plain pipeline.
        List<Batch> plain = all(BatchLoader.builder(dataset()).shuffle(true).seed(3).backend(BACKEND).preprocessing(pre)
                .batchSize(4).build(), 2);
        assertFalse(Arrays.equals(flatOne, concat(plain)));
    }

    private static float[] concat(List<Batch> batches) {
        List<Float> out = new ArrayList<>();
        for (Batch b : batches) {
            for (float v : b.raw().toArray()) {
                out.add(v);
            }
        }
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    /** A source that counts reads and can fail at a given image. */
    private static class Probe implements ImageSource {
        final AtomicInteger reads = new AtomicInteger();
        final int failAt;

        Probe(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public int size() {
            return 100;
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public int height() {
            return 2;
        }

        @Override
        public int width() {
            return 2;
        }

        @Override
        public void copyImage(int index, float[] dst, int offset) {
            reads.incrementAndGet();
            if (index == failAt) {
                throw new IllegalStateException("disk on fire at image " + index);
            }
            Arrays.fill(dst, offset, offset + 4, index / 100f);
        }

        @Override
        public int label(int index) {
            return 0;
        }
    }

    @Test
    void workerFailureReachesTheConsumer() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            BatchLoader loader = BatchLoader.builder(new Probe(37)).batchSize(10).backend(BACKEND).build();
            try (BatchStream s = loader.epoch(0)) {
                for (int b = 0; b < 3; b++) {
                    s.next();
                }
                DataLoadingException e = assertThrows(DataLoadingException.class, s::next);
                assertTrue(e.getMessage().contains("batch 3 of epoch 0") && e.getMessage().contains("disk on fire"),
                        e.getMessage());
                assertTrue(e.getCause() instanceof IllegalStateException);
                assertFalse(s.hasNext());
            }
        });
    }

    @Test
    void prefetchIsBoundedAndCloseStopsTheWorker() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Probe probe = new Probe(-1);
            BatchLoader loader = BatchLoader.builder(probe).batchSize(5).prefetch(2).backend(BACKEND).build();
            BatchStream s = loader.epoch(0);
            Thread.sleep(300);
            // Two batches wait in the queue and a third is prepared, blocked on the full queue.
            assertTrue(probe.reads.get() <= 15, "read " + probe.reads.get() + " images ahead");
            assertTrue(s.workerAlive());
            s.next();
            s.close();
            assertFalse(s.workerAlive(), "close() waits for the worker to end");
            int readsAtClose = probe.reads.get();
            Thread.sleep(100);
            assertEquals(readsAtClose, probe.reads.get());
            assertThrows(IllegalStateException.class, s::next);
            s.close(); // idempotent
        });
    }

    @Test
    void closeFromAnotherThreadWakesABlockedConsumer() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            ImageSource slow = new Probe(-1) {
                @Override
                public void copyImage(int index, float[] dst, int offset) {
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("interrupted", e);
                    }
                }
            };
            BatchStream s = BatchLoader.builder(slow).batchSize(5).backend(BACKEND).build().epoch(0);
            Thread closer = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                s.close();
            });
            closer.start();
            assertThrows(IllegalStateException.class, s::next);
            closer.join();
            assertFalse(s.workerAlive());
        });
    }

    @Test
    void rejectsMismatchedNormalisationAndEmptyEpochs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(dataset())
                .preprocessing(new Preprocessing(0, ColorMode.KEEP, Normalization.RGB)).build());
        assertTrue(e.getMessage().contains("3 channels") && e.getMessage().contains("1 after"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(dataset()).batchSize(50).dropLast(true).build());
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(dataset()).batchSize(0));
    }

    @Test
    void loadsTheBundledSetAtThePaperResolution() throws Exception {
        DataSplits s = DataSources.load("bundled");
        BatchLoader loader = BatchLoader.builder(s.test()).batchSize(64).backend(BACKEND)
                .preprocessing(Preprocessing.paper(32, 1)).build();
        try (BatchStream batches = loader.epoch(0)) {
            Batch b = batches.next();
            assertArrayEquals(new int[] {64, 1, 32, 32}, b.images().shape());
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : b.images().toArray()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertEquals(-1f, min, 1e-6f, "black background normalises to −1");
            assertTrue(max <= 1f && max > 0f);
        }
    }
}
