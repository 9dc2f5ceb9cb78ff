package org.siftfunnel.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.engine.tensor.Tensor;

class ModuleModeTest {
    @Test
    void trainAndEvalPropagateToEveryDescendant() {
        TinyNet net = new TinyNet(1);
        assertEquals(List.of("", "block1", "block1.0", "block1.1", "block1.2", "block1.3", "fc", "fc.0", "fc.1", "fc.2"),
                List.copyOf(net.namedModules().keySet()));
        net.namedModules().values().forEach(m -> assertTrue(m.isTraining()));
        assertSame(net, net.eval());
        net.namedModules().values().forEach(m -> assertFalse(m.isTraining()));
        net.train();
        net.namedModules().values().forEach(m -> assertTrue(m.isTraining()));
        net.fc.eval();
        assertTrue(net.block1.get(1).isTraining());
        assertFalse(net.fc.get(0).isTraining());
    }

    @Test
    void randomSourcesAreNamedByModuleOnceEachInTreeOrder() {
        RandomSource shared = new RandomSource(4);
        Dropout a = new Dropout(0.5f, 1);
        Sequential net = new Sequential(new Sequential(a, new ReLU()), new Dropout(0.2f, shared), new Dropout(0.3f, shared));
        var sources = net.namedRandomSources();
        assertEquals(List.of("0.0#0", "1#0"), List.copyOf(sources.keySet()), "a source shared by two layers is listed once");
        assertSame(shared, sources.get("1#0"));
        // Dropout draws from its source in training mode, and only there.
        long before = sources.get("0.0#0").position();
        net.train().forward(NnTesting.uniform(5, -1f, 1f, 2, 8));
        assertTrue(sources.get("0.0#0").position() > before);
        long trained = sources.get("0.0#0").position();
        net.eval().forward(NnTesting.uniform(5, -1f, 1f, 2, 8));
        assertEquals(trained, sources.get("0.0#0").position());
        assertTrue(new TinyNet(1).namedRandomSources().isEmpty());
    }

    @Test
    void zeroGradClearsEveryParameterGradient() {
        TinyNet net = new TinyNet(1);
        net.forward(NnTesting.uniform(3, -1f, 1f, 2, 1, 4, 4)).sum().backward();
        net.parameters().forEach(p -> assertNotNull(p.grad()));
        net.zeroGrad();
        net.parameters().forEach(p -> assertNull(p.grad()));
    }

    @Test
    void frozenParametersGetNoGradient() {
        TinyNet net = new TinyNet(1);
        net.block1.requiresGrad(false);
        net.forward(NnTesting.uniform(3, -1f, 1f, 2, 1, 4, 4)).sum().backward();
        net.block1.parameters().forEach(p -> assertNull(p.grad()));
        net.fc.parameters().forEach(p -> assertNotNull(p.grad()));
    }

    @Test
    void sequentialAppliesInOrderAndIndexesChildren() {
        RandomSource rng = new RandomSource(5);
        Linear a = new Linear(3, 4, rng);
        Linear b = new Linear(4, 2, rng);
        Sequential seq = new Sequential(a, new Tanh()).add(b);
        assertEquals(3, seq.size());
        assertSame(b, seq.get(2));
        assertThrows(IndexOutOfBoundsException.class, () -> seq.get(3));
        Tensor x = NnTesting.uniform(1, -1f, 1f, 2, 3);
        NnTesting.assertBitEqual("composition", b.forward(a.forward(x).tanh()), seq.forward(x));
    }

    @Test
    void dropoutMasksInTrainingOnlyAndIsSeeded() {
        Tensor x = Tensor.ones(1000);
        Dropout d1 = new Dropout(0.25f, 42);
        Dropout d2 = new Dropout(0.25f, 42);
        float[] y = d1.forward(x).toArray();
        NnTesting.assertBitEqual("same seed, same mask", Tensor.of(y, 1000), d2.forward(x));
        int zeros = 0;
        for (float v : y) {
            if (v == 0f) {
                zeros++;
            } else {
                assertEquals(1f / 0.75f, v, 1e-6f, "survivors are rescaled");
            }
        }
        assertTrue(zeros > 200 && zeros < 300, "about a quarter dropped, got " + zeros);
        d1.eval();
        assertSame(x, d1.forward(x), "eval mode passes the input through");
    }

    @Test
    void layersRejectWrongInputsNamingTheLayer() {
        RandomSource rng = new RandomSource(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(3, 4, 3, rng).forward(Tensor.zeros(1, 2, 5, 5)));
        assertTrue(e.getMessage().contains("Conv2d") && e.getMessage().contains("[1, 2, 5, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Linear(3, 4, rng).forward(Tensor.zeros(2, 5)));
        assertTrue(e.getMessage().contains("Linear") && e.getMessage().contains("[2, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(2, 3, 4)));
        assertTrue(e.getMessage().contains("BatchNorm2d") && e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LayerNorm(4).forward(Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("LayerNorm") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(2, 2, 3, 2, 1, 2, true, rng));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(2));
    }

    @Test
    void simpleLayersMatchTheirTensorOps() {
        Tensor x = NnTesting.uniform(8, -2f, 2f, 2, 3, 4, 4);
        NnTesting.assertBitEqual("relu", x.relu(), new ReLU().forward(x));
        NnTesting.assertBitEqual("silu", x.silu(), new SiLU().forward(x));
        NnTesting.assertBitEqual("sigmoid", x.sigmoid(), new Sigmoid().forward(x));
        NnTesting.assertBitEqual("elu", x.elu(0.5f), new ELU(0.5f).forward(x));
        NnTesting.assertBitEqual("leaky", x.leakyRelu(0.01f), new LeakyReLU().forward(x));
        NnTesting.assertBitEqual("softplus", x.softplus(), new Softplus().forward(x));
        NnTesting.assertBitEqual("log_softmax", x.logSoftmax(1), new LogSoftmax(1).forward(x));
        NnTesting.assertBitEqual("softmax", x.softmax(-1), new Softmax(-1).forward(x));
        NnTesting.assertBitEqual("maxpool", x.maxPool2d(2), new MaxPool2d(2).forward(x));
        NnTesting.assertBitEqual("avgpool", x.avgPool2d(3, 1, 1), new AvgPool2d(3, 1, 1).forward(x));
        NnTesting.assertBitEqual("adaptive avg", x.adaptiveAvgPool1(), new AdaptiveAvgPool2d(1).forward(x));
        NnTesting.assertBitEqual("adaptive max", x.adaptiveMaxPool1(), new AdaptiveMaxPool2d(1).forward(x));
        NnTesting.assertBitEqual("upsample", x.upsample(org.siftfunnel.engine.backend.UpsampleMode.BILINEAR, 2),
                new Upsample(org.siftfunnel.engine.backend.UpsampleMode.BILINEAR, 2).forward(x));
        NnTesting.assertBitEqual("flatten", x.reshape(2, 48), new Flatten().forward(x));
        assertSame(x, new Identity().forward(x));
    }
}
