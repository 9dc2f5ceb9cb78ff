package org.siftfunnel.kernels.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.siftfunnel.engine.backend.BinaryOp;
import org.siftfunnel.engine.backend.ReduceOp;
import org.siftfunnel.engine.backend.UnaryOp;
import org.siftfunnel.engine.backend.UpsampleMode;

/**
 * The OpenCL C sources: a generated header with the engine's op codes, the shared helpers of
 * {@code common.cl}, then one program file ({@code gemm.cl}, {@code reduce.cl}, ...).
 */
final class KernelSources {
    private KernelSources() {
    }

    /** Header, common helpers and program {@code name}, ready for clCreateProgramWithSource. */
    static String[] program(String name) {
        return new String[] {header(), resource("common.cl"), resource(name + ".cl")};
    }

    /**
     * {@code #define U_EXP 1} and so on, from the engine's enums: the kernels switch on the
     * ordinal the Java side passes, so both sides are generated from one definition.
     */
    static String header() {
        StringBuilder sb = new StringBuilder("// generated from the engine's op enums\n");
        for (UnaryOp op : UnaryOp.values()) {
            sb.append("#define U_").append(op.name()).append(' ').append(op.ordinal()).append('\n');
        }
        for (BinaryOp op : BinaryOp.values()) {
            sb.append("#define B_").append(op.name()).append(' ').append(op.ordinal()).append('\n');
        }
        for (ReduceOp op : ReduceOp.values()) {
            sb.append("#define R_").append(op.name()).append(' ').append(op.ordinal()).append('\n');
        }
        for (UpsampleMode mode : UpsampleMode.values()) {
            sb.append("#define UP_").append(mode.name()).append(' ').append(mode.ordinal()).append('\n');
        }
        return sb.toString();
    }

    private static String resource(String file) {
        try (InputStream in = KernelSources.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + file + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + file, e);
        }
    }
}
