package org.siftfunnel.kernels.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Keeps the JVM's signal handlers in place across OpenCL calls that load a driver.
 *
 * <p>Why: PoCL initialises LLVM on its first {@code clGetPlatformIDs}, and LLVM installs its own
 * handlers for SIGSEGV, SIGBUS, SIGILL, SIGUSR2, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTRAP and
 * SIGXFSZ (PoCL adds one for SIGFPE), replacing HotSpot's. HotSpot needs SIGSEGV for ordinary
 * work: a safepoint makes every thread running compiled code fault on a polling page. LLVM's
 * handler is installed with {@code SA_RESETHAND}: the first fault resets the disposition to the
 * default, then the handler puts the JVM's back and returns. A second thread that faults inside
 * that window gets the default action and the process dies with a plain "Segmentation fault" (no
 * hs_err file, exit status 139). That is what killed a CI test JVM at the first multi-threaded
 * safepoint after an OpenCL test. Measured on this project's machine (Debian 12: PoCL 3.1, LLVM 15)
 * through {@code sigaction}: every one of those signals pointed into libLLVM or libpocl right
 * after the first platform query, and back into libjvm after the first garbage collection.
 *
 * <p>So each call that may load or initialise a driver (listing platforms, creating a context,
 * building a program, creating a kernel) runs between a snapshot of every standard signal's
 * disposition and a restore of those that changed. LLVM still believes its handlers are
 * registered, so it does not install them again.
 *
 * <p>PoCL's SIGFPE handler was worse than a crash risk: meant for kernels that divide integers
 * by zero, it skips the faulting instruction in whatever thread faulted, and HotSpot implements
 * Java's integer division by zero with that very signal. With it installed, {@code 7 / 0} in
 * compiled Java code quietly gave 7 instead of throwing ArithmeticException (measured, until
 * the first safepoint happened to put the JVM's handlers back). What the restore loses: LLVM's
 * crash report when the driver itself crashes (the JVM's hs_err file reports it instead), and
 * PoCL's skipping of a kernel's division by zero (the kernels here never divide by zero).
 *
 * <p>Linux on x86-64 and aarch64 only (their signal numbers, and glibc's {@code struct sigaction},
 * which starts with the handler); elsewhere, with
 * {@code -Dsiftfunnel.opencl.keepJvmSignalHandlers=false}, or when native access is denied,
 * calls run unguarded. The JDK's own remedy, {@code LD_PRELOAD=libjsig.so}, does not
 * cover SIGUSR2 and SIGINT (measured), and must be set before the JVM starts.
 */
final class JvmSignalHandlers {
    /** Standard signals 1–31 except SIGKILL (9) and SIGSTOP (19), whose disposition cannot change. */
    private static final int[] SIGNALS = signals();
    /** Larger than {@code struct sigaction} on any Linux ABI (152 bytes on x86-64 and aarch64 glibc). */
    private static final long SIGACTION_BYTES = 256;
    private static final MethodHandle SIGACTION = lookUpSigaction();
    private static final boolean ENABLED = SIGACTION != null
            && Boolean.parseBoolean(System.getProperty("siftfunnel.opencl.keepJvmSignalHandlers", "true"));
    private static final AtomicInteger RESTORED = new AtomicInteger();

    private JvmSignalHandlers() {
    }

    /**
     * Runs {@code call}, then puts back every signal handler it replaced. Guarded calls run one at
     * a time: a snapshot taken while another thread's call had the driver's handlers installed
     * would otherwise "restore" them.
     */
    static <T> T around(Supplier<T> call) {
        if (!ENABLED) {
            return call.get();
        }
        synchronized (JvmSignalHandlers.class) {
            return guarded(call);
        }
    }

    private static <T> T guarded(Supplier<T> call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] before = dispositions(arena);
            try {
                return call.get();
            } finally {
                restoreChanged(arena, before);
            }
        }
    }

    /** Runs {@code call}, then puts back every signal handler it replaced. */
    static void around(Runnable call) {
        around(() -> {
            call.run();
            return null;
        });
    }

    /** Whether calls are guarded (a supported platform, native access allowed, not switched off). */
    static boolean active() {
        return ENABLED;
    }

    /** The address of the function that handles {@code signal} now (0 for the default, 1 for ignore). */
    static long handler(Arena arena, int signal) {
        return disposition(arena, signal).get(ValueLayout.JAVA_LONG, 0);
    }

    /** How many handlers were put back since the JVM started (for tests and diagnostics). */
    static int restoredCount() {
        return RESTORED.get();
    }

    /** The current disposition of {@code signal}, as the bytes of its {@code struct sigaction}. */
    static MemorySegment disposition(Arena arena, int signal) {
        MemorySegment act = arena.allocate(SIGACTION_BYTES, 16);
        int rc;
        try {
            rc = (int) SIGACTION.invokeExact(signal, MemorySegment.NULL, act);
        } catch (Throwable t) {
            throw new IllegalStateException("sigaction(" + signal + ") failed", t);
        }
        if (rc != 0) {
            throw new IllegalStateException("sigaction(" + signal + ") returned " + rc);
        }
        return act;
    }

    /** Sets the disposition of {@code signal} to {@code act} (bytes read by {@link #disposition}). */
    static void setDisposition(int signal, MemorySegment act) {
        try {
            int rc = (int) SIGACTION.invokeExact(signal, act, MemorySegment.NULL);
            if (rc != 0) {
                throw new IllegalStateException("sigaction(" + signal + ") returned " + rc);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sigaction(" + signal + ") failed", t);
        }
    }

    private static MemorySegment[] dispositions(Arena arena) {
        MemorySegment[] acts = new MemorySegment[SIGNALS.length];
        for (int i = 0; i < SIGNALS.length; i++) {
            acts[i] = disposition(arena, SIGNALS[i]);
        }
        return acts;
    }

    /**
     * Compares handlers only: glibc fills all 128 bytes of {@code sa_mask} from a kernel mask of 8,
     * leaving stack garbage in the rest, and adds SA_RESTORER to the flags whenever it sets one.
     */
    private static void restoreChanged(Arena arena, MemorySegment[] before) {
        for (int i = 0; i < SIGNALS.length; i++) {
            if (handler(arena, SIGNALS[i]) != before[i].get(ValueLayout.JAVA_LONG, 0)) {
                setDisposition(SIGNALS[i], before[i]);
                RESTORED.incrementAndGet();
            }
        }
    }

    private static int[] signals() {
        int[] s = new int[29];
        int n = 0;
        for (int sig = 1; sig <= 31; sig++) {
            if (sig != 9 && sig != 19) {
                s[n++] = sig;
            }
        }
        return s;
    }

    /** {@code int sigaction(int, const struct sigaction*, struct sigaction*)}, or null where unusable. */
    private static MethodHandle lookUpSigaction() {
        String arch = System.getProperty("os.arch", "");
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("sigaction")
                    .map(address -> linker.downcallHandle(address, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS)))
                    .orElse(null);
        } catch (IllegalCallerException | UnsupportedOperationException e) {
            return null; // native access denied (--illegal-native-access=deny) or no native linker
        }
    }
}
