package org.siftfunnel.kernels.cpu;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.siftfunnel.engine.backend.UnaryOp;
import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * The fixed computation whose bits {@link DeterministicMathTest} compares across JIT tiers:
 * at every SIMD width, the unary kernels that use exponentials, logarithms or tanh (forward,
 * and backward with and without the forward output), softmax and log-softmax over rows and
 * columns (forward and backward), the sums across vector lanes (sum, batch-norm sums,
 * squared distances) and the elementary-function loops themselves. Run as a
 * program, it computes them {@code args[1]} times (a warm-up, for a JIT that compiles late)
 * and writes the last results to the file {@code args[0]}.
 */
public final class DeterministicMathMain {

    static final List<VectorWidth> WIDTHS = List.of(VectorWidth.BITS_128, VectorWidth.BITS_256, VectorWidth.BITS_512);
    /** The loops of VectorArrayKernels for each elementary function. */
    static final List<String> ELEMENTARY_LOOPS = List.of("expLoop", "expm1Loop", "logLoop", "log1pLoop", "tanhLoop");
    /** Three more than a multiple of every vector length: every kernel also runs its scalar tail. */
    private static final int N = 131;

    private DeterministicMathMain() {
    }

    public static void main(String[] args) throws IOException {
        int repetitions = Integer.parseInt(args[1]);
        Map<String, int[]> results = null;
        for (int r = 0; r < repetitions; r++) {
            results = compute();
        }
        try (OutputStream out = Files.newOutputStream(Path.of(args[0]))) {
            write(results, out);
        }
    }

    /** Every case, by name, as {@link Float#floatToIntBits} of its output (NaN payloads collapsed). */
    static Map<String, int[]> compute() {
        Map<String, int[]> results = new LinkedHashMap<>();
        for (VectorWidth width : WIDTHS) {
            ArrayKernels k = SimdSupport.kernelsFor(width);
            if (k.vectorBits() != width.bits()) {
                throw new IllegalStateException("asked for " + width + ", got " + k.vectorBits() + "-bit kernels"
                        + " (is --add-modules jdk.incubator.vector missing?)");
            }
            String w = width.bits() + "-bit ";
            unaryCases(k, w, results);
            softmaxCases(k, w, results);
            reductionCases(k, w, results);
            elementaryCases(k, w, results);
        }
        return results;
    }

    private static void unaryCases(ArrayKernels k, String w, Map<String, int[]> results) {
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SILU,
                UnaryOp.SOFTPLUS, UnaryOp.ELU}) {
            float[][] params = switch (op) {
                case SOFTPLUS -> new float[][] {{1f, 20f}, {2f, 1f}};
                case ELU -> new float[][] {{1f, 0}, {1.3f, 0}};
                default -> new float[][] {{0, 0}};
            };
            for (float[] p : params) {
                String name = w + op + "(" + p[0] + ", " + p[1] + ")";
                float[] x = withSpecials(op.ordinal(), N, op == UnaryOp.LOG);
                float[] y = new float[N];
                k.unary(op, x, y, 0, N, p[0], p[1]);
                results.put(name, bits(y));
                float[] gy = random(op.ordinal() + 100, N, false);
                float[] gx = new float[N];
                k.unaryBackward(op, x, y, gy, gx, 0, N, p[0], p[1]);
                results.put(name + " backward from y", bits(gx));
                k.unaryBackward(op, x, null, gy, gx, 0, N, p[0], p[1]);
                results.put(name + " backward from x", bits(gx));
            }
        }
    }

    private static void softmaxCases(ArrayKernels k, String w, Map<String, int[]> results) {
        int rows = 3;
        int n = 37;
        int stride = 37;
        for (boolean log : new boolean[] {false, true}) {
            String name = w + (log ? "log-softmax" : "softmax");
            float[] x = random(log ? 7 : 8, rows * n, false);
            float[] y = new float[rows * n];
            for (int r = 0; r < rows; r++) {
                k.softmaxRow(x, y, r * n, n, log);
            }
            results.put(name + " rows", bits(y));
            float[] gy = random(log ? 9 : 10, rows * n, false);
            float[] gx = new float[rows * n];
            for (int r = 0; r < rows; r++) {
                k.softmaxBackwardRow(y, gy, gx, r * n, n, log);
            }
            results.put(name + " rows backward", bits(gx));

            int columnRows = 7;
            float[] xc = random(log ? 11 : 12, columnRows * stride, false);
            float[] yc = new float[columnRows * stride];
            k.softmaxColumns(xc, yc, 0, columnRows, stride, stride, log);
            results.put(name + " columns", bits(yc));
            float[] gyc = random(log ? 13 : 14, columnRows * stride, false);
            float[] gxc = new float[columnRows * stride];
            k.softmaxBackwardColumns(yc, gyc, gxc, 0, columnRows, stride, stride, log);
            results.put(name + " columns backward", bits(gxc));
        }
    }

    /** Sums across lanes: long enough for several blocks of partial sums at every width. */
    private static void reductionCases(ArrayKernels k, String w, Map<String, int[]> results) {
        int n = 1100;
        float[] x = random(15, n, false);
        float[] g = random(16, n, false);
        double[] distances = new double[4];
        k.squaredDistances(x, 270, 0, 4, 3, distances);
        double[] one = new double[1];
        k.squaredDistances(x, 270, 1, 1, 2, one);
        double[] sums = {k.sum(x, 3, n - 3), k.sumSquaredDeviations(x, 1, n - 1, 0.25f),
            k.sumProductCentered(g, x, 2, n - 2, -0.5f), distances[0], distances[1], distances[2], distances[3], one[0]};
        int[] b = new int[2 * sums.length];
        for (int i = 0; i < sums.length; i++) {
            long bits = Double.doubleToLongBits(sums[i]);
            b[2 * i] = (int) (bits >>> 32);
            b[2 * i + 1] = (int) bits;
        }
        results.put(w + "sums (as double bits)", b);
    }

    private static void elementaryCases(ArrayKernels k, String w, Map<String, int[]> results) {
        float[] x = withSpecials(99, N, false);
        for (String loop : ELEMENTARY_LOOPS) {
            float[] out = new float[N];
            int end = elementary(k, loop, x, out);
            results.put(w + loop, bits(java.util.Arrays.copyOf(out, end)));
        }
    }

    /**
     * Runs one elementary-function loop of the vector kernels k (found by reflection on the
     * hidden class) over x; returns where its whole vectors ended (the rest of out is untouched).
     */
    static int elementary(ArrayKernels k, String loop, float[] x, float[] out) {
        try {
            Method m = k.getClass().getDeclaredMethod(loop, float[].class, float[].class, int.class, int.class);
            return (Integer) m.invoke(null, x, out, 0, x.length);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("no loop " + loop + " in " + k.getClass(), e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(loop + " failed", e.getCause());
        }
    }

    /** Random values of several scales, up to ±100 (0 to 100 when positive). */
    static float[] random(long seed, int n, boolean positive) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        double[] scales = {1, 10, 100, 0.01};
        for (int i = 0; i < n; i++) {
            double scale = scales[i % scales.length];
            x[i] = (float) (positive ? r.nextDouble(0, scale) : r.nextDouble(-scale, scale));
        }
        return x;
    }

    /** {@link #random} values with special values spread over vector lanes and the scalar tail. */
    static float[] withSpecials(long seed, int n, boolean positive) {
        float[] x = random(seed, n, positive);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
            -Float.MIN_VALUE, 1e-40f, 88.72283f, 88.72284f, -87.33655f, -103.97208f, -104f, 1f, -1f, 9.1f, -9.1f,
            0.35f, -0.35f, 1e-8f, -1e-8f, 17.5f, -17.5f, Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i < specials.length; i++) {
            x[(i * 41 + 3) % n] = specials[i];
        }
        x[n - 1] = Float.NaN;
        x[n - 2] = -0f;
        return x;
    }

    private static int[] bits(float[] values) {
        int[] b = new int[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = Float.floatToIntBits(values[i]);
        }
        return b;
    }

    static void write(Map<String, int[]> results, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeInt(results.size());
        for (Map.Entry<String, int[]> e : results.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            for (int v : e.getValue()) {
                out.writeInt(v);
            }
        }
        out.flush();
    }

    static Map<String, int[]> read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int cases = in.readInt();
        Map<String, int[]> results = new LinkedHashMap<>();
        for (int c = 0; c < cases; c++) {
            String name = in.readUTF();
            int[] b = new int[in.readInt()];
            for (int i = 0; i < b.length; i++) {
                b[i] = in.readInt();
            }
            results.put(name, b);
        }
        return results;
    }
}
