package org.siftfunnel.model.runtime.server;

/**
 * A request the server refuses: the status and the JSON error it answers with. Thrown inside
 * the handlers and turned into a response in one place.
 */
final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    HttpError(int status, String code, String message) {
        super(message, null, false, false); // an expected outcome: no stack trace needed
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
