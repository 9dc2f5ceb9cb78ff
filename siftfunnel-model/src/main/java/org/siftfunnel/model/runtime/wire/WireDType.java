package org.siftfunnel.model.runtime.wire;

/**
 * How feature values are stored in a wire payload. The code is the byte written in the header;
 * codes are never reused for another meaning.
 */
public enum WireDType {
    /** IEEE 754 binary32, big-endian: exact. */
    FLOAT32(1, 4, "float32"),
    /** IEEE 754 binary16, big-endian: about 3 significant digits, half the bytes. */
    FLOAT16(2, 2, "float16"),
    /**
     * Signed 8-bit integers q with one affine map for the whole batch, x = (q − zeroPoint) · scale:
     * a quarter of the bytes, 256 levels between the batch's minimum and maximum (0 included).
     */
    INT8(3, 1, "int8");

    private final int code;
    private final int bytesPerValue;
    private final String label;

    WireDType(int code, int bytesPerValue, String label) {
        this.code = code;
        this.bytesPerValue = bytesPerValue;
        this.label = label;
    }

    /** The header byte. */
    public int code() {
        return code;
    }

    public int bytesPerValue() {
        return bytesPerValue;
    }

    /** The lower-case name used on the command line and in JSON ({@code float32}, {@code float16}, {@code int8}). */
    public String label() {
        return label;
    }

    /** The type with a header code, or null for an unknown code. */
    public static WireDType ofCode(int code) {
        for (WireDType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /**
     * The type named {@code name} (case-insensitive; {@code fp32}, {@code fp16} and {@code q8} are accepted too).
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static WireDType parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (n) {
            case "float32", "fp32", "f32" -> FLOAT32;
            case "float16", "fp16", "f16", "half" -> FLOAT16;
            case "int8", "q8", "i8" -> INT8;
            default -> throw new IllegalArgumentException("unknown wire dtype '" + name + "'; expected float32, float16 or int8");
        };
    }
}
