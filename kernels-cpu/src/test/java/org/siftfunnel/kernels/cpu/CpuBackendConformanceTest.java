package org.siftfunnel.kernels.cpu;

import org.junit.jupiter.api.Nested;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendConformanceTest;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * The engine's backend conformance suite on the cpu backend, at every SIMD width (a width
 * wider than the hardware still runs, through the Vector API's Java fallback) and the scalar
 * kernels, each single-threaded and with two threads; at the hardware's width also with an odd
 * (3) and a high (16) thread count, which split work into uneven parts and, with more parts
 * than cores, let one thread of the team run several parts of a call, and with every part of a
 * 5-way split run on one thread ({@link Parallel.Schedule#ONE_THREAD}), which does that
 * deterministically.
 */
class CpuBackendConformanceTest {

    /** One backend per configuration, shared by the suite's tests (the backend is stateless). */
    private abstract static class Configuration extends BackendConformanceTest {
        private Backend backend;

        abstract int threads();

        abstract VectorWidth width();

        Parallel.Schedule schedule() {
            return Parallel.Schedule.TEAM;
        }

        @Override
        protected Backend backendUnderTest() {
            if (backend == null) {
                backend = new CpuBackend(threads(), width(), Convolution.DEFAULT_MAX_COLUMN_FLOATS, schedule());
            }
            return backend;
        }
    }

    @Nested
    class Width512OneThread extends Configuration {
        int threads() { return 1; }
        VectorWidth width() { return VectorWidth.BITS_512; }
    }

    @Nested
    class Width512TwoThreads extends Configuration {
        int threads() { return 2; }
        VectorWidth width() { return VectorWidth.BITS_512; }
    }

    @Nested
    class Width256OneThread extends Configuration {
        int threads() { return 1; }
        VectorWidth width() { return VectorWidth.BITS_256; }
    }

    @Nested
    class Width256TwoThreads extends Configuration {
        int threads() { return 2; }
        VectorWidth width() { return VectorWidth.BITS_256; }
    }

    @Nested
    class Width128OneThread extends Configuration {
        int threads() { return 1; }
        VectorWidth width() { return VectorWidth.BITS_128; }
    }

    @Nested
    class Width128TwoThreads extends Configuration {
        int threads() { return 2; }
        VectorWidth width() { return VectorWidth.BITS_128; }
    }

    @Nested
    class ScalarOneThread extends Configuration {
        int threads() { return 1; }
        VectorWidth width() { return VectorWidth.SCALAR; }
    }

    @Nested
    class ScalarTwoThreads extends Configuration {
        int threads() { return 2; }
        VectorWidth width() { return VectorWidth.SCALAR; }
    }

    @Nested
    class AutoThreeThreads extends Configuration {
        int threads() { return 3; }
        VectorWidth width() { return VectorWidth.AUTO; }
    }

    @Nested
    class AutoSixteenThreads extends Configuration {
        int threads() { return 16; }
        VectorWidth width() { return VectorWidth.AUTO; }
    }

    @Nested
    class AutoFivePartsOnOneThread extends Configuration {
        int threads() { return 5; }
        VectorWidth width() { return VectorWidth.AUTO; }
        @Override
        Parallel.Schedule schedule() { return Parallel.Schedule.ONE_THREAD; }
    }
}
