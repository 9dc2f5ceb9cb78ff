package org.siftfunnel.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleUnaryOperator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * The vector kernels' own exponential, logarithm and tanh (see VectorArrayKernels):
 * <ol>
 *   <li>their accuracy against {@link Math} in double, at every SIMD width, on a sample of all
 *       float bit patterns, dense grids over each function's working range, the neighbourhoods
 *       of its branch points and overflow/underflow boundaries, and the special values;</li>
 *   <li>that they give the same bits in every JIT tier: child JVMs running only the
 *       interpreter ({@code -Xint}: the Java fallback of every Vector API operation), only C1,
 *       and only C2 (compiling early and synchronously, so that its results certainly come from
 *       C2 code), and this JVM after some repetitions, compute the cases of
 *       {@link DeterministicMathMain} bit for bit alike. The Vector API's lanewise EXP/LOG/TANH
 *       and reduceLanes(ADD) fail this: their interpreted and C2 forms differ in the last bit.</li>
 * </ol>
 */
class DeterministicMathTest {

    /**
     * An elementary function: its loop in VectorArrayKernels, the reference and the allowed error
     * in ulps. The bounds are the largest errors over all 2^32 floats (measured once by running
     * every float through the loops: exp 0.979, expm1 1.439, log 0.854, log1p 0.857, tanh 1.026
     * ulp), rounded up.
     */
    private enum Function {
        EXP("expLoop", Math::exp, 1.0, -110, 95, 88.72284f, 88.72283f, -87.33655f, -103.97208f, -103.27893f, 0f),
        EXPM1("expm1Loop", Math::expm1, 1.5, -30, 95, 88.72284f, 0.34657359f, -0.34657359f, -17.32868f, 16.98f, 17.32868f),
        LOG("logLoop", Math::log, 1.0, 0, 4, 1f, 0.70710677f, 1.4142135f, Float.MIN_NORMAL, 2f, 0.5f),
        LOG1P("log1pLoop", Math::log1p, 1.0, -1, 4, 0f, -1f, -0.29289323f, 0.41421357f, 1f, 0x1p-24f),
        TANH("tanhLoop", Math::tanh, 1.1, -10, 10, 0.35f, -0.35f, 9.01f, -9.01f, 0f, 0.17328680f);

        final String loop;
        final DoubleUnaryOperator reference;
        final double maxUlps;
        /** The working range, sampled densely. */
        final float low;
        final float high;
        /** Points near which results change formula, round, overflow or underflow. */
        final float[] boundaries;

        Function(String loop, DoubleUnaryOperator reference, double maxUlps, float low, float high, float... boundaries) {
            this.loop = loop;
            this.reference = reference;
            this.maxUlps = maxUlps;
            this.low = low;
            this.high = high;
            this.boundaries = boundaries;
        }
    }

    private static final float[] SPECIALS = {Float.NaN, Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7f800001),
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 2f, 0.5f, 1e-30f, -1e-30f, 1e30f, -1e30f};

    // ------------------------------------------------------------------ accuracy

    @ParameterizedTest
    @EnumSource(value = VectorWidth.class, names = {"BITS_128", "BITS_256", "BITS_512"})
    void elementaryFunctionsAreWithinTheirBoundsOfMath(VectorWidth width) {
        ArrayKernels k = SimdSupport.kernelsFor(width);
        assertEquals(width.bits(), k.vectorBits(), "this test needs the Vector API");
        for (Function f : Function.values()) {
            float[] x = inputs(f);
            float[] out = new float[x.length];
            assertEquals(x.length, DeterministicMathMain.elementary(k, f.loop, x, out),
                    "inputs come in whole vectors, so the loop covers them all");
            double worst = 0;
            for (int i = 0; i < x.length; i++) {
                double exact = f.reference.applyAsDouble(x[i]);
                float want = (float) exact;
                String where = f + "(" + x[i] + " = 0x" + Integer.toHexString(Float.floatToRawIntBits(x[i])) + ") at "
                        + width + ": got " + out[i] + ", Math gives " + exact;
                if (Float.isNaN(want) || Float.isInfinite(want) || want == 0f || Float.isInfinite(out[i])) {
                    // Exactly: NaN, ±∞, and zeros with their sign.
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(out[i]), where);
                    continue;
                }
                double ulps = Math.abs(out[i] - exact) / ulpBelow(exact);
                assertTrue(ulps <= f.maxUlps, where + " (" + ulps + " ulp)");
                worst = Math.max(worst, ulps);
            }
            assertTrue(worst > 0.3, f + ": the inputs should reach the function's typical error, worst was " + worst);
        }
    }

    /**
     * A float ulp of the exact value: that of the binade holding it, so that a value just
     * below a power of two, rounding up to it, is measured in the smaller ulp below.
     */
    private static double ulpBelow(double exact) {
        double a = Math.abs(exact);
        if (a < Float.MIN_NORMAL) {
            return Float.MIN_VALUE;
        }
        return Math.scalb(1.0, Math.getExponent(a) - 23);
    }

    /** Whole vectors (a multiple of 16 floats) of sampled bit patterns, grids, boundary neighbourhoods and specials. */
    private static float[] inputs(Function f) {
        List<Float> x = new ArrayList<>();
        // Every float bit pattern with a stride: all signs, exponents and many mantissas.
        for (long bits = 0; bits <= 0xffffffffL; bits += 65_537) {
            x.add(Float.intBitsToFloat((int) bits));
        }
        int grid = 30_000;
        for (int i = 0; i <= grid; i++) {
            x.add(f.low + (f.high - f.low) * (float) i / grid);
        }
        // Small arguments, where relative accuracy is hardest for expm1, log1p and tanh.
        for (float t = 1e-30f; t < 1f; t *= 1.02f) {
            x.add(t);
            x.add(-t);
            x.add(1f + t);
            x.add(1f - t);
        }
        for (float b : f.boundaries) {
            float up = b;
            float down = b;
            for (int i = 0; i < 200; i++) {
                x.add(up);
                x.add(down);
                up = Math.nextUp(up);
                down = Math.nextDown(down);
            }
        }
        for (float s : SPECIALS) {
            x.add(s);
        }
        while (x.size() % 16 != 0) {
            x.add(1f);
        }
        float[] a = new float[x.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = x.get(i);
        }
        return a;
    }

    // ------------------------------------------------------------------ determinism across JIT tiers

    /** The interpreter's results: every Vector API operation in its Java fallback. */
    private static Map<String, int[]> interpreted;

    @BeforeAll
    static void interpret(@TempDir Path dir) throws IOException, InterruptedException {
        interpreted = runChild(dir, 1, "-Xint");
    }

    /** C1 only, compiling early and synchronously (-Xbatch), so that the later repetitions run C1 code. */
    @Test
    void c1GivesTheInterpretersBits(@TempDir Path dir) throws IOException, InterruptedException {
        assertSameBits("C1 (-XX:TieredStopAtLevel=1)", runChild(dir, 4, "-XX:TieredStopAtLevel=1", "-Xbatch",
                "-XX:Tier3InvocationThreshold=10", "-XX:Tier3MinInvocationThreshold=10", "-XX:Tier3CompileThreshold=20",
                "-XX:Tier3BackEdgeThreshold=100"));
    }

    /**
     * C2 only, compiling early and synchronously, so that the later repetitions run C2 code
     * (with -XX:+PrintCompilation this child lists the kernels of every width as compiled, or
     * inlined into compiled callers).
     */
    @Test
    void c2GivesTheInterpretersBits(@TempDir Path dir) throws IOException, InterruptedException {
        assertSameBits("C2 (-XX:-TieredCompilation -Xbatch)",
                runChild(dir, 15, "-XX:-TieredCompilation", "-Xbatch", "-XX:CompileThreshold=10"));
    }

    /** This JVM, whatever its JIT made of the kernels by the last of some repetitions. */
    @Test
    void thisJvmGivesTheInterpretersBits() {
        Map<String, int[]> results = null;
        for (int r = 0; r < 20; r++) {
            results = DeterministicMathMain.compute();
        }
        assertSameBits("this JVM", results);
    }

    private static Map<String, int[]> runChild(Path dir, int repetitions, String... jvmOptions)
            throws IOException, InterruptedException {
        Path file = dir.resolve("bits");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules");
        command.add(SimdSupport.MODULE);
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DeterministicMathMain.class.getName());
        command.add(file.toString());
        command.add(String.valueOf(repetitions));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("child JVM " + List.of(jvmOptions) + " did not finish");
        }
        assertEquals(0, p.exitValue(), "child JVM " + List.of(jvmOptions) + ": " + new String(output, StandardCharsets.UTF_8));
        try (InputStream in = Files.newInputStream(file)) {
            return DeterministicMathMain.read(in);
        }
    }

    private static void assertSameBits(String tier, Map<String, int[]> results) {
        assertEquals(List.copyOf(interpreted.keySet()), List.copyOf(results.keySet()), "the same cases");
        for (Map.Entry<String, int[]> e : interpreted.entrySet()) {
            int[] want = e.getValue();
            int[] got = results.get(e.getKey());
            assertEquals(want.length, got.length, e.getKey());
            for (int i = 0; i < want.length; i++) {
                if (want[i] != got[i]) {
                    fail(e.getKey() + ", element " + i + ": " + tier + " gives " + Float.intBitsToFloat(got[i]) + " (0x"
                            + Integer.toHexString(got[i]) + "), the interpreter " + Float.intBitsToFloat(want[i])
                            + " (0x" + Integer.toHexString(want[i]) + ")");
                }
            }
        }
    }
}
