package org.siftfunnel.kernels.cpu;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.siftfunnel.kernels.cpu.gemm.VectorWidth;

/**
 * Chooses the {@link ArrayKernels} for a {@link VectorWidth}, and is the only class that
 * knows the Vector API kernels exist.
 *
 * <p>It first probes the boot layer for the {@code jdk.incubator.vector} module; without it
 * (a plain {@code java -jar}) it says so once, in one line on stderr, and hands out the scalar
 * kernels, so no Vector API class is ever touched. With it, it defines
 * {@link VectorArrayKernels} as a hidden class carrying the width as class data: one hidden
 * class per width, each with its own {@code static final} species (see that class). The
 * hidden classes are cached for the life of the JVM.
 */
final class SimdSupport {

    static final String MODULE = "jdk.incubator.vector";
    private static final String TEMPLATE = "VectorArrayKernels.class";
    private static final Map<VectorWidth, ArrayKernels> LOADED = new ConcurrentHashMap<>();
    private static volatile boolean warned;

    private SimdSupport() {
    }

    /** Whether this JVM was started with the Vector API module. */
    static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /**
     * The kernels for {@code width}: scalar when asked for, when the Vector API is missing
     * (after one warning line) or when the hardware's preferred width is below 128 bits.
     */
    static ArrayKernels kernelsFor(VectorWidth width) {
        if (width == VectorWidth.SCALAR) {
            return new ScalarArrayKernels();
        }
        if (!vectorApiPresent()) {
            warnOnce("siftfunnel cpu: the Vector API (" + MODULE + ") is not available; using scalar kernels."
                    + " Run java with --add-modules " + MODULE + " for SIMD.");
            return new ScalarArrayKernels();
        }
        try {
            return LOADED.computeIfAbsent(width, SimdSupport::defineFor);
        } catch (LinkageError | IllegalStateException e) {
            warnOnce("siftfunnel cpu: cannot use " + MODULE + " (" + e + "); using scalar kernels.");
            return new ScalarArrayKernels();
        }
    }

    /** Defines one hidden copy of the template for a width (0 bits = the JVM's preferred species). */
    private static ArrayKernels defineFor(VectorWidth width) {
        byte[] bytes;
        try (InputStream in = SimdSupport.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("class file " + TEMPLATE + " is missing from the class path");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + TEMPLATE, e);
        }
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(bytes, width.bits(), true);
            ArrayKernels kernels = (ArrayKernels) hidden
                    .findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
            int bits = kernels.vectorBits();
            if (bits < 128) {
                throw new IllegalStateException("the preferred vector width is only " + bits + " bits");
            }
            return kernels;
        } catch (ExceptionInInitializerError e) {
            throw new IllegalStateException(String.valueOf(e.getCause()), e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot create the " + width + " vector kernels", t);
        }
    }

    private static void warnOnce(String line) {
        if (!warned) {
            synchronized (SimdSupport.class) {
                if (!warned) {
                    warned = true;
                    System.err.println(line);
                }
            }
        }
    }
}
