package org.siftfunnel.kernels.cpu.gemm;

import java.util.Locale;

/**
 * Which SIMD width the GEMM kernels use. {@link #AUTO} follows the JVM's preferred float
 * species; the fixed widths exist so that every vector path can be exercised on one
 * machine (a width wider than the hardware still works, through the Vector API's slow
 * Java fallback), and {@link #SCALAR} forces the plain-Java kernel.
 */
public enum VectorWidth {
    /** The JVM's preferred species ({@code FloatVector.SPECIES_PREFERRED}). */
    AUTO(0),
    /** 512-bit vectors (16 floats). */
    BITS_512(512),
    /** 256-bit vectors (8 floats). */
    BITS_256(256),
    /** 128-bit vectors (4 floats). */
    BITS_128(128),
    /** No Vector API at all. */
    SCALAR(0);

    /** System property read by {@link #fromSystemProperty()}. */
    public static final String PROPERTY = "siftfunnel.vector.width";

    private final int bits;

    VectorWidth(int bits) {
        this.bits = bits;
    }

    /** Vector size in bits, or 0 for {@link #AUTO} and {@link #SCALAR}. */
    public int bits() {
        return bits;
    }

    /**
     * Parses {@code auto}, {@code scalar}, {@code 128}, {@code 256} or {@code 512}
     * (case-insensitive; the enum constant names are accepted too).
     */
    public static VectorWidth parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "auto", "preferred" -> {
                return AUTO;
            }
            case "scalar", "none", "0" -> {
                return SCALAR;
            }
            case "128", "bits_128" -> {
                return BITS_128;
            }
            case "256", "bits_256" -> {
                return BITS_256;
            }
            case "512", "bits_512" -> {
                return BITS_512;
            }
            default -> throw new IllegalArgumentException(
                    "vector width: expected auto, scalar, 128, 256 or 512 but got '" + text + "'");
        }
    }

    /** The width named by the system property {@value #PROPERTY}, or {@link #AUTO} when unset. */
    public static VectorWidth fromSystemProperty() {
        String v = System.getProperty(PROPERTY);
        return v == null || v.isBlank() ? AUTO : parse(v);
    }
}
