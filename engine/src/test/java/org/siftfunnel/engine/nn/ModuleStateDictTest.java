package org.siftfunnel.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;
import org.siftfunnel.engine.io.SafeTensors;
import org.siftfunnel.engine.io.StoredTensor;
import org.siftfunnel.engine.tensor.Tensor;

class ModuleStateDictTest {
    private static final List<String> KEYS = List.of("block1.0.weight", "block1.0.bias", "block1.1.weight", "block1.1.bias",
            "block1.1.running_mean", "block1.1.running_var", "fc.0.weight", "fc.0.bias", "fc.2.weight");

    private static Tensor input() {
        return NnTesting.uniform(99, -1f, 1f, 3, 1, 4, 4);
    }

    /** Runs one training-mode forward so the BatchNorm buffers leave their initial values. */
    private static TinyNet trainedNet(long seed) {
        TinyNet net = new TinyNet(seed);
        net.forward(input());
        net.eval();
        return net;
    }

    @Test
    void stateDictUsesPyTorchNamesInRegistrationOrder() {
        TinyNet net = new TinyNet(1);
        Map<String, Tensor> sd = net.stateDict();
        assertEquals(KEYS, List.copyOf(sd.keySet()));
        assertArrayEquals(new int[] {3, 1, 3, 3}, sd.get("block1.0.weight").shape());
        assertArrayEquals(new int[] {3}, sd.get("block1.1.running_var").shape());
        assertArrayEquals(new int[] {5, 12}, sd.get("fc.0.weight").shape());
        assertArrayEquals(new int[] {2, 5}, sd.get("fc.2.weight").shape());
    }

    @Test
    void namedParametersAreTheLiveLeavesWithoutBuffers() {
        TinyNet net = new TinyNet(1);
        Map<String, Tensor> params = net.namedParameters();
        assertEquals(List.of("block1.0.weight", "block1.0.bias", "block1.1.weight", "block1.1.bias", "fc.0.weight", "fc.0.bias",
                "fc.2.weight"), List.copyOf(params.keySet()));
        for (Tensor p : params.values()) {
            assertTrue(p.requiresGrad() && p.isLeaf());
        }
        assertEquals(List.copyOf(params.values()), net.parameters());
        assertEquals(27 + 3 + 3 + 3 + 60 + 5 + 10, net.parameterCount());
        assertEquals(List.of("block1.1.running_mean", "block1.1.running_var"), List.copyOf(net.namedBuffers().keySet()));
        assertFalse(net.namedBuffers().get("block1.1.running_mean").requiresGrad());
    }

    @Test
    void stateDictValuesShareStorageButAreDetached() {
        TinyNet net = new TinyNet(1);
        Tensor view = net.stateDict().get("fc.0.bias");
        assertFalse(view.requiresGrad());
        view.fill(0.25f);
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0.25f}, net.namedParameters().get("fc.0.bias").toArray());
    }

    @Test
    void sharedParameterIsListedOnce() {
        Linear shared = new Linear(2, 2, new org.siftfunnel.engine.random.RandomSource(1));
        Sequential twice = new Sequential(shared, shared);
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(twice.namedParameters().keySet()));
        assertEquals(6, twice.parameterCount());
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), List.copyOf(twice.stateDict().keySet()));
    }

    @Test
    void saveAndLoadRoundTripIsBitExact(@TempDir Path dir) throws IOException {
        TinyNet source = trainedNet(1);
        Path file = dir.resolve("tiny.safetensors");
        source.save(file, Map.of("model", "tiny", "epoch", "3"));

        SafeTensors.Contents contents = SafeTensors.read(file);
        assertEquals(KEYS, List.copyOf(contents.tensors().keySet()), "every entry written, in order, nothing else");
        assertEquals("tiny", contents.metadata().get("model"));

        TinyNet target = new TinyNet(2);
        target.eval();
        Tensor x = input();
        try (GradMode.Scope s = GradMode.noGrad()) {
            assertFalse(Arrays.equals(source.forward(x).toArray(), target.forward(x).toArray()), "different seeds differ");
            Map<String, String> meta = target.load(file);
            assertEquals("3", meta.get("epoch"));
            NnTesting.assertBitEqual("output after load", source.forward(x), target.forward(x));
        }
        Map<String, Tensor> a = source.stateDict();
        Map<String, Tensor> b = target.stateDict();
        for (String k : KEYS) {
            NnTesting.assertBitEqual(k, a.get(k), b.get(k));
        }
    }

    @Test
    void loadAcceptsAndIgnoresPyTorchBatchCounters(@TempDir Path dir) throws IOException {
        TinyNet source = trainedNet(1);
        LinkedHashMap<String, StoredTensor> stored = new LinkedHashMap<>();
        source.stateDict().forEach((k, v) -> stored.put(k, StoredTensor.of(v)));
        // PyTorch writes the counter as a rank-0 int64.
        stored.put("block1.1.num_batches_tracked", StoredTensor.ofLongs(new long[] {7}));
        Path file = dir.resolve("torch.safetensors");
        SafeTensors.write(file, stored, Map.of());
        TinyNet target = new TinyNet(2);
        target.load(file);
        NnTesting.assertBitEqual("running_var", source.stateDict().get("block1.1.running_var"),
                target.stateDict().get("block1.1.running_var"));
    }

    @Test
    void missingKeyIsAnErrorNamingItAndNothingIsCopied() {
        TinyNet net = new TinyNet(1);
        float[] before = net.stateDict().get("block1.0.weight").toArray();
        LinkedHashMap<String, Tensor> sd = new TinyNet(2).stateDict();
        sd.remove("fc.0.bias");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(sd, false));
        assertTrue(e.getMessage().contains("'fc.0.bias'") && e.getMessage().contains("[5]"), e.getMessage());
        assertArrayEquals(before, net.stateDict().get("block1.0.weight").toArray(), "a failed load copies nothing");
    }

    @Test
    void wrongShapeIsAnErrorNamingKeyAndBothShapes() {
        TinyNet net = new TinyNet(1);
        LinkedHashMap<String, Tensor> sd = new TinyNet(2).stateDict();
        sd.put("block1.0.weight", Tensor.zeros(3, 1, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(sd, true));
        String m = e.getMessage();
        assertTrue(m.contains("'block1.0.weight'") && m.contains("[3, 1, 2, 2]") && m.contains("[3, 1, 3, 3]"), m);
    }

    @Test
    void sameElementCountButDifferentShapeIsStillAnError() {
        TinyNet net = new TinyNet(1);
        LinkedHashMap<String, Tensor> sd = new TinyNet(2).stateDict();
        sd.put("fc.2.weight", Tensor.zeros(5, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(sd, true));
        assertTrue(e.getMessage().contains("[5, 2]") && e.getMessage().contains("[2, 5]"), e.getMessage());
    }

    @Test
    void numBatchesTrackedKeysAreIgnored() {
        TinyNet net = new TinyNet(1);
        LinkedHashMap<String, Tensor> sd = new TinyNet(2).stateDict();
        sd.put("block1.1.num_batches_tracked", Tensor.scalar(12));
        assertEquals(List.of(), net.loadStateDict(sd, true));
        NnTesting.assertBitEqual("loaded", sd.get("fc.0.weight"), net.stateDict().get("fc.0.weight"));
    }

    @Test
    void unexpectedKeysFailStrictAndAreReturnedWhenLenient() {
        LinkedHashMap<String, Tensor> sd = new TinyNet(2).stateDict();
        sd.put("head.weight", Tensor.zeros(2, 2));
        sd.put("block1.9.bias", Tensor.zeros(1));

        TinyNet strict = new TinyNet(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> strict.loadStateDict(sd, true));
        assertTrue(e.getMessage().contains("head.weight") && e.getMessage().contains("block1.9.bias"), e.getMessage());
        assertFalse(Arrays.equals(sd.get("fc.0.weight").toArray(), strict.stateDict().get("fc.0.weight").toArray()),
                "strict failure copies nothing");

        TinyNet lenient = new TinyNet(1);
        assertEquals(List.of("head.weight", "block1.9.bias"), lenient.loadStateDict(sd, false));
        NnTesting.assertBitEqual("lenient load copies", sd.get("fc.0.weight"), lenient.stateDict().get("fc.0.weight"));
    }

    @Test
    void loadCopiesInPlaceSoHeldParametersSeeNewValues() {
        TinyNet net = new TinyNet(1);
        Tensor held = net.parameters().get(0);
        LinkedHashMap<String, Tensor> sd = new TinyNet(2).stateDict();
        net.loadStateDict(sd, true);
        assertSame(held, net.parameters().get(0));
        NnTesting.assertBitEqual("held parameter", sd.get("block1.0.weight"), held);
    }

    @Test
    void selectStripsPrefix() {
        LinkedHashMap<String, Tensor> sd = new TinyNet(1).stateDict();
        assertEquals(List.of("0.weight", "0.bias", "2.weight"), List.copyOf(StateDicts.select(sd, "fc.").keySet()));
        Sequential head = new TinyNet(2).fc;
        head.loadStateDict(StateDicts.select(sd, "fc."), true);
        NnTesting.assertBitEqual("fc.2.weight", sd.get("fc.2.weight"), head.stateDict().get("2.weight"));
    }

    @Test
    void toMovesParametersAndBuffersKeepingFlags() {
        TinyNet net = trainedNet(1);
        net.block1.get(0).requiresGrad(false);
        Map<String, Tensor> before = net.stateDict();
        Backend other = new ReferenceBackend();
        net.to(other);
        for (Map.Entry<String, Tensor> e : net.stateDict().entrySet()) {
            assertSame(other, e.getValue().backend(), e.getKey());
            assertNotSame(before.get(e.getKey()).buffer(), e.getValue().buffer());
            NnTesting.assertBitEqual(e.getKey(), before.get(e.getKey()), e.getValue());
        }
        Map<String, Tensor> params = net.namedParameters();
        assertFalse(params.get("block1.0.weight").requiresGrad(), "a frozen parameter stays frozen");
        assertTrue(params.get("fc.0.weight").requiresGrad());
        Tensor y = net.forward(input().to(other));
        assertSame(other, y.backend());
    }

    @Test
    void toKeepsASharedParameterShared() {
        Linear shared = new Linear(2, 2, new org.siftfunnel.engine.random.RandomSource(1));
        Sequential twice = new Sequential(shared, new Tanh(), shared);
        twice.to(new ReferenceBackend());
        Map<String, Tensor> sd = twice.stateDict();
        assertSame(sd.get("0.weight").buffer(), sd.get("2.weight").buffer());
        assertEquals(6, twice.parameterCount());
    }

    @Test
    void registrationRejectsBadAndDuplicateNames() {
        class Bad extends Module {
            void add(String name) {
                registerBuffer(name, Tensor.zeros(1));
            }

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        }
        Bad m = new Bad();
        m.add("a");
        assertThrows(IllegalArgumentException.class, () -> m.add("a"));
        assertThrows(IllegalArgumentException.class, () -> m.add("b.c"));
        assertThrows(IllegalArgumentException.class, () -> m.add(""));
    }
}
