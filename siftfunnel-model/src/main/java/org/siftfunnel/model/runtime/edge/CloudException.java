package org.siftfunnel.model.runtime.edge;

import java.io.IOException;

/** The server refused a request: its HTTP status and the error code and message of its JSON answer. */
public final class CloudException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public CloudException(int status, String code, String message) {
        super("cloud answered " + status + (code == null ? "" : " " + code) + (message == null ? "" : ": " + message));
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The server's error code (e.g. {@code model_mismatch}), or null when the body had none. */
    public String code() {
        return code;
    }
}
