package org.siftfunnel.model.runtime.wire;

/**
 * How the features message travels over HTTP: the names both the server and the edge client use
 * (kept here, next to the format, so that the standalone edge jar needs no server class).
 */
public final class HttpBinding {
    /** The media type of a features message (parameters after {@code ;} are ignored). */
    public static final String MEDIA_TYPE = "application/vnd.siftfunnel.features";
    /** {@code POST}: a features message in, class probabilities as JSON out. */
    public static final String INFER_PATH = "/v1/infer";
    /** {@code GET}: what model the server runs. */
    public static final String MODEL_PATH = "/v1/model";
    /** Response header of an inference: nanoseconds the server spent decoding and running the cloud model. */
    public static final String CLOUD_NANOS_HEADER = "X-Siftfunnel-Cloud-Nanos";

    /** Most samples a server accepts in one request (it answers 413 {@code batch_too_large} beyond). */
    public static final int MAX_BATCH = 256;

    private HttpBinding() {
    }
}
