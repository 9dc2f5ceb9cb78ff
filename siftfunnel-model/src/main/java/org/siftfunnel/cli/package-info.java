/**
 * The command-line interface behind {@code ./siftfunnel}: one {@link org.siftfunnel.cli.Command} per
 * sub-command, strict option parsing with one-line errors, and progress bars for long work.
 */
package org.siftfunnel.cli;
