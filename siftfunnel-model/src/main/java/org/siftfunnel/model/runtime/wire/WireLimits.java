package org.siftfunnel.model.runtime.wire;

/**
 * Upper bounds a decoder enforces before it allocates anything: a header can announce any
 * shape, and none of it is trusted until it fits these limits and the bytes actually received.
 *
 * @param maxBytes    the largest whole message (header, payload and checksum) accepted
 * @param maxElements the most feature values in one message
 */
public record WireLimits(int maxBytes, long maxElements) {
    /** 16 MiB and 4 Mi values: a batch of 5,000 SiftFunnel CNN features (768 values each) fits either way. */
    public static final WireLimits DEFAULT = new WireLimits(16 << 20, 4L << 20);

    public WireLimits {
        if (maxBytes < WireFormat.MIN_MESSAGE_BYTES) {
            throw new IllegalArgumentException("wire limits: maxBytes must be at least " + WireFormat.MIN_MESSAGE_BYTES + ", got " + maxBytes);
        }
        if (maxElements < 1) {
            throw new IllegalArgumentException("wire limits: maxElements must be positive, got " + maxElements);
        }
    }

    /** The same element limit with another byte limit. */
    public WireLimits withMaxBytes(int bytes) {
        return new WireLimits(bytes, maxElements);
    }
}
