package org.siftfunnel.model.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An input file of the report (results.json, a reconstruction tensor file, a metrics.jsonl) is
 * unreadable or not in the documented shape. The message is one line naming the file and the
 * problem, so the CLI can print it as is.
 */
public final class ReportInputException extends IOException {
    private static final long serialVersionUID = 1L;

    public ReportInputException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public ReportInputException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
