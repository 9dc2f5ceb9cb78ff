package org.siftfunnel.model.report;

import java.util.List;

/**
 * One piece of the report's content. The report is built once as a list of blocks and then
 * written twice ({@link MarkdownRenderer}, {@link HtmlRenderer}), so report.md and report.html
 * always say the same thing. Text is plain (each renderer escapes it).
 */
public sealed interface Block {

    /** A section heading; level 1 is the title. */
    record Heading(int level, String text) implements Block {
    }

    record Paragraph(String text) implements Block {
    }

    record Bullets(List<String> items) implements Block {
        public Bullets {
            items = List.copyOf(items);
        }
    }

    /** A table; {@code numericFrom} is the first column that is right-aligned (numbers). */
    record Table(List<String> header, List<List<String>> rows, int numericFrom) implements Block {
        public Table {
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
            for (List<String> r : rows) {
                if (r.size() != header.size()) {
                    throw new IllegalArgumentException("table row has " + r.size() + " cells, header " + header.size());
                }
            }
        }
    }

    /** A figure written to {@code figures/<file>}. */
    record Figure(String file, String caption) implements Block {
    }

    /** Preformatted text (settings dumps). */
    record Code(String text) implements Block {
    }
}
