package org.siftfunnel.kernels.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.siftfunnel.engine.tensor.Tensor;

/**
 * Run in a fresh JVM by {@link JvmSignalHandlersTest}: notes the handler of every standard
 * signal the JVM or a driver may take, then uses OpenCL for the first time in the process and
 * prints two lines, after listing the devices ({@code listed:}) and after creating the backend
 * and running a few kernels ({@code ran:}); each says {@code unchanged} or names the signals whose
 * handlers are no longer the ones the JVM installed. A last line says what Java's integer
 * division by zero did ({@code division:}).
 */
public final class SignalHandlerProbe {
    private static final int[] SIGNALS = {1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 25};

    private SignalHandlerProbe() {
    }

    public static void main(String[] args) {
        try (Arena arena = Arena.ofConfined()) {
            long[] before = handlers(arena);
            String platform = ClDevices.list().get(0).platformName();
            String listed = changes(before, handlers(arena));
            OpenClBackend backend = OpenClBackend.create("0");
            Tensor x = Tensor.ones(backend, 16, 16);
            float sum = x.matmul(x).add(x).relu().sum().item();
            String ran = changes(before, handlers(arena));
            System.out.println("platform: " + platform);
            System.out.println("sum: " + sum);
            System.out.println("listed: " + listed);
            System.out.println("ran: " + ran);
            System.out.println("division: " + divideByZero(args.length));
        }
    }

    /**
     * Java's integer division by zero, which HotSpot turns into an ArithmeticException from the
     * processor's SIGFPE. PoCL's own SIGFPE handler (for kernels that divide by zero) skips the
     * faulting instruction instead: with it in place, {@code 7 / 0} quietly gave 7.
     */
    private static String divideByZero(int zero) {
        long warm = 0;
        for (int i = 1; i < 200_000; i++) {
            warm += quotient(i, 1 + (i & 7)); // let the JIT compile it, as in a real program
        }
        try {
            return "no exception, 7 / 0 = " + quotient(7, zero) + " (" + warm + ")";
        } catch (ArithmeticException e) {
            return "ArithmeticException";
        }
    }

    private static int quotient(int a, int b) {
        return a / b;
    }

    /** The handler address of each signal. */
    private static long[] handlers(Arena arena) {
        long[] h = new long[SIGNALS.length];
        for (int i = 0; i < SIGNALS.length; i++) {
            h[i] = JvmSignalHandlers.handler(arena, SIGNALS[i]);
        }
        return h;
    }

    private static String changes(long[] before, long[] now) {
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < SIGNALS.length; i++) {
            if (now[i] != before[i]) {
                changed.add(String.valueOf(SIGNALS[i]));
            }
        }
        return changed.isEmpty() ? "unchanged" : String.join(",", changed);
    }
}
