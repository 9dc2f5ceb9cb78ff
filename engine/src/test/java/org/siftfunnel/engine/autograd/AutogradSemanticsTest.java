package org.siftfunnel.engine.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.tensor.Tensor;

/** What backward() promises beyond individual rules: accumulation, graph release, no-grad scopes, depth. */
class AutogradSemanticsTest {
    private final Backend be = Backends.reference();

    private Tensor variable(float... values) {
        return Tensor.of(be, values, values.length).requiresGrad(true);
    }

    @Test
    void aTensorUsedTwiceAccumulatesBothContributions() {
        Tensor x = variable(1f, -2f, 3f);
        // y = x·x + 3x  ⇒  dy/dx = 2x + 3, with x reaching the sum along three paths.
        x.mul(x).add(x.mul(3f)).sum().backward();
        assertArrayEquals(new float[] {5f, -1f, 9f}, x.grad().toArray(), 0f);
    }

    @Test
    void theSameTensorAsBothOperandsOfOneOp() {
        Tensor x = variable(0.5f, 2f);
        x.div(x).add(x.maximum(x)).sum().backward();
        // d(x/x)/dx = 0; maximum(x, x) splits the tie evenly, so the two halves give 1.
        assertArrayEquals(new float[] {1f, 1f}, x.grad().toArray(), 1e-6f);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor x = variable(1f, 2f);
        x.mul(2f).sum().backward();
        x.mul(5f).sum().backward();
        assertArrayEquals(new float[] {7f, 7f}, x.grad().toArray(), 0f);
        x.zeroGrad();
        assertNull(x.grad());
        x.square().sum().backward();
        assertArrayEquals(new float[] {2f, 4f}, x.grad().toArray(), 0f);
    }

    @Test
    void backwardWithAnExplicitUpstreamGradient() {
        Tensor x = variable(1f, 2f, 3f);
        Tensor y = x.square();
        Tensor upstream = Tensor.of(be, new float[] {1f, 0.5f, -2f}, 3);
        y.backward(upstream);
        assertArrayEquals(new float[] {2f, 2f, -12f}, x.grad().toArray(), 0f);
        // The upstream tensor is the caller's: the engine must not have written into it.
        assertArrayEquals(new float[] {1f, 0.5f, -2f}, upstream.toArray(), 0f);
    }

    @Test
    void upstreamOfTheWrongShapeIsRejected() {
        Tensor y = variable(1f, 2f).mul(2f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> y.backward(Tensor.ones(be, 3)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void backwardOfANonScalarWithoutUpstreamIsRejected() {
        Tensor y = variable(1f, 2f).mul(2f);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("scalar"), e.getMessage());
    }

    @Test
    void backwardTwiceWithoutRetainingTheGraphFailsClearly() {
        Tensor x = variable(1f, 2f);
        Tensor loss = x.exp().sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
    }

    @Test
    void backwardTwiceWithARetainedGraphAccumulates() {
        Tensor x = variable(1f, 2f);
        Tensor loss = x.square().sum();
        loss.backward(Tensor.ones(be, 1), true);
        loss.backward(Tensor.ones(be, 1), true);
        assertArrayEquals(new float[] {4f, 8f}, x.grad().toArray(), 0f);
    }

    @Test
    void detachStopsTheGradient() {
        Tensor x = variable(1f, 2f);
        Tensor d = x.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        // Only the attached factor carries a gradient: d(x·stop(x))/dx = stop(x).
        x.mul(d).sum().backward();
        assertArrayEquals(new float[] {1f, 2f}, x.grad().toArray(), 0f);
        assertNull(d.grad());
    }

    @Test
    void noGradRecordsNothingAndRestoresTheMode() {
        Tensor x = variable(1f, 2f);
        Tensor y;
        try (GradMode.Scope _ = GradMode.noGrad()) {
            assertFalse(GradMode.isEnabled());
            y = x.mul(3f).exp().sum();
        }
        assertTrue(GradMode.isEnabled());
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void nestedScopesRestoreTheEnclosingMode() {
        try (GradMode.Scope _ = GradMode.noGrad()) {
            try (GradMode.Scope _ = GradMode.enableGrad()) {
                assertTrue(GradMode.isEnabled());
                assertNotNull(variable(1f).mul(2f).gradFn());
            }
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void gradModeIsPerThread() throws Exception {
        CountDownLatch otherInNoGrad = new CountDownLatch(1);
        CountDownLatch mainRecorded = new CountDownLatch(1);
        AtomicReference<Tensor> otherResult = new AtomicReference<>();
        AtomicReference<Throwable> otherFailure = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try (GradMode.Scope _ = GradMode.noGrad()) {
                otherInNoGrad.countDown();
                // Stay inside the no-grad scope while the main thread records.
                if (!mainRecorded.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("main thread did not record in time");
                }
                otherResult.set(variable(1f, 2f).mul(2f));
            } catch (Throwable t) {
                otherFailure.set(t);
            }
        }, "no-grad-thread");
        other.start();
        assertTrue(otherInNoGrad.await(10, TimeUnit.SECONDS));
        assertTrue(GradMode.isEnabled(), "another thread's no-grad scope leaked into this thread");
        Tensor x = variable(1f, 2f);
        Tensor y = x.mul(2f);
        mainRecorded.countDown();
        other.join(10_000);
        assertNull(otherFailure.get());
        assertNotNull(y.gradFn(), "recording on this thread must be unaffected by the other thread");
        assertNull(otherResult.get().gradFn(), "the no-grad thread must record nothing");
        y.sum().backward();
        assertArrayEquals(new float[] {2f, 2f}, x.grad().toArray(), 0f);
    }

    @Test
    void aDeepChainBackpropagatesWithoutStackOverflow() {
        int depth = 20_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<float[]> grad = new AtomicReference<>();
        // A small thread stack (256 KiB) proves the walk is iterative, not merely that -Xss is large.
        Thread worker = new Thread(null, () -> {
            try {
                Tensor x = variable(0.5f, -1f);
                Tensor y = x;
                for (int i = 0; i < depth; i++) {
                    y = (i % 2 == 0) ? y.add(0.001f) : y.mul(1.00001f);
                }
                y.sum().backward();
                grad.set(x.grad().toArray());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "deep-chain", 256 * 1024);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            worker.start();
            worker.join();
        });
        if (failure.get() != null) {
            throw new AssertionError("deep chain failed: " + failure.get(), failure.get());
        }
        // The gradient is 1.00001^10000 multiplied out in float32, one rounding per step.
        float expected = 1f;
        for (int i = 0; i < depth / 2; i++) {
            expected *= 1.00001f;
        }
        assertEquals(expected, grad.get()[0], 1e-5f);
        assertEquals(expected, grad.get()[1], 1e-5f);
    }

    @Test
    void retainGradKeepsAnIntermediateGradient() {
        Tensor x = variable(1f, 2f);
        Tensor h = x.mul(3f).retainGrad();
        h.square().sum().backward();
        assertArrayEquals(new float[] {6f, 12f}, h.grad().toArray(), 0f);
        assertArrayEquals(new float[] {18f, 36f}, x.grad().toArray(), 0f);
    }

    @Test
    void aGradientSharesNoBufferWithTheCallersTensors() {
        // backward on a leaf hands the upstream straight to it: the stored gradient must be a copy.
        Tensor x = variable(1f, 2f);
        Tensor upstream = Tensor.of(be, new float[] {3f, 4f}, 2);
        x.backward(upstream);
        upstream.fill(-7f);
        assertArrayEquals(new float[] {3f, 4f}, x.grad().toArray(), 0f);
        x.grad().fill(9f);
        assertArrayEquals(new float[] {1f, 2f}, x.toArray(), 0f);
    }

    @Test
    void requiresGradFalseOnANonLeafIsRefused() {
        Tensor y = variable(1f).mul(2f);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertTrue(e.getMessage().contains("detach"), e.getMessage());
    }

    @Test
    void onlyInputsThatRequireGradReceiveOne() {
        Tensor x = variable(1f, 2f);
        Tensor c = Tensor.of(be, new float[] {3f, 4f}, 2);
        Tensor y = x.mul(c);
        assertFalse(c.requiresGrad());
        assertTrue(y.requiresGrad());
        y.sum().backward();
        assertNull(c.grad());
        assertArrayEquals(new float[] {3f, 4f}, x.grad().toArray(), 0f);
    }
}
