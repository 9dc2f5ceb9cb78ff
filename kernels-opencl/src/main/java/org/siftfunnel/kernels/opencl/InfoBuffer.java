package org.siftfunnel.kernels.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.jocl.Pointer;

/**
 * The output of a {@code clGet*Info} query (or a small read), in native memory. JOCL writes a Java array passed as
 * the output only where the JVM lets native code write the array in place: under
 * {@code -Xcheck:jni} (which hands native code a copy) every device limit, name and kernel
 * work-group size read into an array came back as zeros, and the backend then divided by a
 * work-group size of 0. A direct buffer is written in place under every option.
 */
final class InfoBuffer {
    private final ByteBuffer bytes;

    /** Room for {@code size} bytes (at least one, as a query of size 0 is legal). */
    InfoBuffer(long size) {
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("opencl: an info query reported " + size + " bytes");
        }
        this.bytes = ByteBuffer.allocateDirect((int) Math.max(1, size)).order(ByteOrder.nativeOrder());
    }

    /** Where the query writes. */
    Pointer pointer() {
        return Pointer.to(bytes);
    }

    /** Bytes available to the query. */
    long size() {
        return bytes.capacity();
    }

    long getLong() {
        return bytes.getLong(0);
    }

    /** A cl_int (signed: event statuses are negative error codes for failed commands). */
    int getInt() {
        return getInt(0);
    }

    /** The cl_int at {@code byteOffset}. */
    int getInt(int byteOffset) {
        return bytes.getInt(byteOffset);
    }

    /** A cl_uint, unsigned. */
    long getUnsignedInt() {
        return bytes.getInt(0) & 0xFFFFFFFFL;
    }

    /** A size_t of {@code width} bytes (4 or 8, the device's pointer width). */
    long getSize(long width) {
        return width >= Long.BYTES ? getLong() : getUnsignedInt();
    }

    /** A NUL-terminated string (UTF-8; the terminator and anything after it dropped). */
    String getString() {
        int end = 0;
        while (end < bytes.capacity() && bytes.get(end) != 0) {
            end++;
        }
        byte[] text = new byte[end];
        bytes.get(0, text);
        return new String(text, StandardCharsets.UTF_8);
    }
}
