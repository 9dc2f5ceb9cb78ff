package org.siftfunnel.model.data;

/**
 * Preparing a batch failed on the loader's background thread; the original failure is the
 * cause, and the message says which batch of which epoch it was.
 */
public class DataLoadingException extends RuntimeException {
    public DataLoadingException(String message, Throwable cause) {
        super(message, cause);
    }
}
