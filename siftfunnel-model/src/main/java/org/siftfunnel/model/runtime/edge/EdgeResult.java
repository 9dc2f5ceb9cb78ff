package org.siftfunnel.model.runtime.edge;

/**
 * The cloud's answer for one batch and where the time went.
 *
 * @param classes       the predicted class of each sample
 * @param probabilities per sample, the class probabilities (float32, as computed by the server)
 * @param timing        the breakdown
 */
public record EdgeResult(int[] classes, float[][] probabilities, Timing timing) {
    /**
     * @param edgeNanos      running the edge half locally
     * @param encodeNanos    encoding the features into a wire message
     * @param bytesSent      request body bytes
     * @param bytesReceived  response body bytes
     * @param roundTripNanos from sending the request to having the whole answer
     * @param cloudNanos     what the server reports for decoding and its forward pass (−1 if it did not say)
     */
    public record Timing(long edgeNanos, long encodeNanos, long bytesSent, long bytesReceived, long roundTripNanos, long cloudNanos) {
        /** Round trip minus the server's compute: network, HTTP and JSON. */
        public long transferNanos() {
            return cloudNanos < 0 ? -1 : Math.max(0, roundTripNanos - cloudNanos);
        }
    }

    public int count() {
        return classes.length;
    }
}
