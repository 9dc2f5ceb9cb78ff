package org.siftfunnel.kernels.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendPair;
import org.siftfunnel.engine.backend.BackendPair.Twin;
import org.siftfunnel.engine.backend.PoolGeometry;
import org.siftfunnel.engine.backend.reference.ReferenceBackend;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * The fast paths of the cpu backend's index-heavy kernels against the reference, bit for bit:
 * 2×2 stride-2 max pooling (ties, NaN in every position of a window, odd plane sizes), column
 * arg-reductions whose thread parts start and end inside a slice, and permute copies that run
 * as blocked transposes (sizes around the tile size, several outer axes).
 */
class LayoutKernelsTest {

    static Stream<Backend> backends() {
        return Stream.of(new CpuBackend(1, VectorWidth.AUTO), new CpuBackend(2, VectorWidth.AUTO),
                new CpuBackend(3, VectorWidth.SCALAR));
    }

    private static BackendPair pair(Backend b) {
        return new BackendPair(new ReferenceBackend(), b, 0.0);
    }

    // ================================================================ 2x2 max pooling

    static Stream<Arguments> poolCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Backend b : backends().toList()) {
            cases.add(Arguments.of("odd 17x15 planes, few values (ties)", 40, 17, 15, b));
            cases.add(Arguments.of("1-row output", 9, 2, 33, b));
            cases.add(Arguments.of("64 planes of 32x32 (threaded)", 64, 32, 32, b));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on {4}")
    @MethodSource("poolCases")
    void maxPool2x2MatchesTheReferenceWithTiesAndNaN(String name, int planes, int h, int w, Backend backend) {
        PoolGeometry g = new PoolGeometry(planes, h, w, 2, 2, 2, 2, 0, 0, (h - 2) / 2 + 1, (w - 2) / 2 + 1);
        SplittableRandom r = new SplittableRandom(name.hashCode());
        float[] xs = new float[planes * h * w];
        for (int i = 0; i < xs.length; i++) {
            // Few distinct values (ties everywhere), some infinities, NaN in about one window in three.
            int kind = r.nextInt(40);
            xs[i] = kind == 0 ? Float.NaN : kind == 1 ? Float.NEGATIVE_INFINITY : kind == 2 ? Float.POSITIVE_INFINITY
                    : r.nextInt(4) - 1.5f;
        }
        // The first 16 windows of plane 0 get every NaN pattern of their four cells.
        for (int pattern = 0; pattern < 16 && pattern < g.outW() * g.outH(); pattern++) {
            int oy = pattern / g.outW();
            int ox = pattern % g.outW();
            for (int cell = 0; cell < 4; cell++) {
                int at = (2 * oy + cell / 2) * w + 2 * ox + cell % 2;
                xs[at] = (pattern >> cell & 1) == 1 ? Float.NaN : cell;
            }
        }
        BackendPair pair = pair(backend);
        int outSize = planes * g.outH() * g.outW();
        Twin x = pair.upload(xs);
        Twin out = pair.filled(outSize, -7f);
        Twin switches = pair.filled(outSize, -7f);
        pair.run((b, s) -> b.maxPool2d(s.of(x), s.of(out), s.of(switches), g));
        pair.assertBitIdentical("maxPool2d 2x2 " + name, out);
        pair.assertBitIdentical("maxPool2d 2x2 switches " + name, switches);
        Twin outOnly = pair.filled(outSize, -7f);
        pair.run((b, s) -> b.maxPool2d(s.of(x), s.of(outOnly), null, g));
        pair.assertBitIdentical("maxPool2d 2x2 without switches " + name, outOnly);
    }

    // ================================================================ arg-reductions over columns

    static Stream<Arguments> argCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Backend b : backends().toList()) {
            for (boolean max : new boolean[] {true, false}) {
                cases.add(Arguments.of(max, new int[] {7, 40, 301}, b));
                cases.add(Arguments.of(max, new int[] {2, 3, 50_001}, b));
                cases.add(Arguments.of(max, new int[] {5000, 17, 1}, b));
                cases.add(Arguments.of(max, new int[] {3, 1, 7}, b));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "max={0} over {1} on {2}")
    @MethodSource("argCases")
    void columnArgReductionsMatchTheReference(boolean max, int[] v, Backend backend) {
        SplittableRandom r = new SplittableRandom(v[0] * 31L + v[2]);
        float[] xs = new float[v[0] * v[1] * v[2]];
        for (int i = 0; i < xs.length; i++) {
            int kind = r.nextInt(50);
            xs[i] = kind == 0 ? Float.NaN : kind == 1 ? Float.NEGATIVE_INFINITY : r.nextInt(5);
        }
        BackendPair pair = pair(backend);
        Twin x = pair.upload(xs);
        Twin out = pair.filled(v[0] * v[2], -7f);
        pair.run((b, s) -> b.argReduce(max, s.of(x), s.of(out), v[0], v[1], v[2]));
        pair.assertBitIdentical((max ? "argmax" : "argmin") + " over " + java.util.Arrays.toString(v), out);
    }

    // ================================================================ permute copies

    static Stream<Arguments> permuteCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Backend b : backends().toList()) {
            cases.add(Arguments.of(new int[] {64, 64, 16, 16}, new int[] {0, 3, 2, 1}, b));
            cases.add(Arguments.of(new int[] {64, 64, 16, 16}, new int[] {0, 2, 1, 3}, b));
            cases.add(Arguments.of(new int[] {3, 17, 5, 33}, new int[] {0, 3, 2, 1}, b));
            cases.add(Arguments.of(new int[] {2, 33, 3, 15}, new int[] {3, 1, 0, 2}, b));
            cases.add(Arguments.of(new int[] {5, 1, 19, 16}, new int[] {0, 3, 2, 1}, b));
            cases.add(Arguments.of(new int[] {300, 257}, new int[] {1, 0}, b));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} by {1} on {2}")
    @MethodSource("permuteCases")
    void permuteCopiesMatchTheReference(int[] shape, int[] perm, Backend backend) {
        int rank = shape.length;
        int[] contiguous = new int[rank];
        int n = 1;
        for (int k = rank - 1; k >= 0; k--) {
            contiguous[k] = n;
            n *= shape[k];
        }
        // Walk the permuted shape; the source strides are the input's strides taken in permuted order.
        int[] outShape = new int[rank];
        int[] srcStrides = new int[rank];
        for (int k = 0; k < rank; k++) {
            outShape[k] = shape[perm[k]];
            srcStrides[k] = contiguous[perm[k]];
        }
        int[] dstStrides = new int[rank];
        for (int k = rank - 1, acc = 1; k >= 0; k--) {
            dstStrides[k] = acc;
            acc *= outShape[k];
        }
        float[] xs = new float[n + 5];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i;
        }
        BackendPair pair = pair(backend);
        Twin x = pair.upload(xs);
        Twin out = pair.filled(n + 9, -7f);
        pair.run((b, s) -> b.copyStrided(s.of(x), 5, srcStrides, s.of(out), 9, dstStrides, outShape));
        pair.assertBitIdentical("permute " + java.util.Arrays.toString(perm) + " of " + java.util.Arrays.toString(shape), out);
    }
}
