package org.siftfunnel.cli;

import java.util.List;

/** One sub-command of the CLI. */
public interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** Paragraph(s) shown by {@code --help} above the option list. */
    default String description() {
        return summary();
    }

    List<OptionSpec> options();

    /** Runs the command; returns the process exit status. */
    int run(Options options) throws Exception;
}
