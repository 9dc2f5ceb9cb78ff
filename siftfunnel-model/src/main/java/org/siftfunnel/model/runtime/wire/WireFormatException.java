package org.siftfunnel.model.runtime.wire;

/**
 * A wire payload that cannot be accepted. {@link #code()} is a stable, machine-readable name of
 * the problem (the server returns it in its JSON error); the message explains it for people.
 * This is the only exception {@link WireFormat#decode} throws for any input bytes.
 */
public final class WireFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The problems a payload can have. */
    public enum Code {
        /** Shorter than its header or than the length the header announces. */
        TRUNCATED("truncated"),
        /** Does not start with the magic bytes. */
        BAD_MAGIC("bad_magic"),
        /** A format version this decoder does not read. */
        UNSUPPORTED_VERSION("unsupported_version"),
        /** An unknown dtype code, or int8 parameters out of range. */
        BAD_DTYPE("bad_dtype"),
        /** A rank or dimension out of range. */
        BAD_SHAPE("bad_shape"),
        /** More values or bytes than the limits allow. */
        TOO_LARGE("too_large"),
        /** The payload length field disagrees with the shape, or bytes follow the checksum. */
        LENGTH_MISMATCH("length_mismatch"),
        /** The CRC32 does not match the bytes. */
        BAD_CHECKSUM("bad_checksum"),
        /** A NaN or infinite value (or a non-finite or non-positive int8 scale). */
        NON_FINITE("non_finite"),
        /** Reserved header bits that are not zero. */
        BAD_HEADER("bad_header");

        private final String id;

        Code(String id) {
            this.id = id;
        }

        /** The snake-case name used in JSON errors. */
        public String id() {
            return id;
        }
    }

    private final Code code;

    public WireFormatException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
