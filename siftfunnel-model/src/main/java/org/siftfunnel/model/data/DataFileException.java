package org.siftfunnel.model.data;

import java.io.IOException;

/**
 * A data file that cannot be used: missing, truncated, corrupt, or inconsistent with the
 * files next to it. The message always starts with the file's name, then says what is wrong,
 * so a user can fix the file without reading a stack trace.
 */
public class DataFileException extends IOException {
    private final String file;
    private final String problem;

    public DataFileException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public DataFileException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file's name as shown to the user (a path, or {@code classpath:...} for bundled data). */
    public String file() {
        return file;
    }

    /** What is wrong with it, without the file name. */
    public String problem() {
        return problem;
    }
}
