package org.siftfunnel.model.report;

import java.util.List;

/** Writes the report's blocks as GitHub-flavoured Markdown; figures link to {@code figures/*.png}. */
public final class MarkdownRenderer {
    private MarkdownRenderer() {
    }

    public static String render(List<Block> blocks) {
        StringBuilder sb = new StringBuilder();
        for (Block b : blocks) {
            switch (b) {
                case Block.Heading h -> sb.append("#".repeat(h.level())).append(' ').append(inline(h.text())).append("\n\n");
                case Block.Paragraph p -> sb.append(inline(p.text())).append("\n\n");
                case Block.Bullets l -> {
                    for (String item : l.items()) {
                        sb.append("- ").append(inline(item)).append('\n');
                    }
                    sb.append('\n');
                }
                case Block.Table t -> table(sb, t);
                case Block.Figure f -> sb.append("![").append(f.file().replaceFirst("\\.png$", "")).append("](figures/").append(f.file()).append(")\n\n")
                        .append('*').append(inline(f.caption())).append("*\n\n");
                case Block.Code c -> sb.append("```\n").append(c.text().replace("```", "'''")).append(c.text().endsWith("\n") ? "" : "\n")
                        .append("```\n\n");
            }
        }
        return sb.toString().stripTrailing() + "\n";
    }

    private static void table(StringBuilder sb, Block.Table t) {
        row(sb, t.header());
        sb.append('|');
        for (int i = 0; i < t.header().size(); i++) {
            sb.append(i >= t.numericFrom() ? "---:|" : "---|");
        }
        sb.append('\n');
        for (List<String> r : t.rows()) {
            row(sb, r);
        }
        sb.append('\n');
    }

    private static void row(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String c : cells) {
            sb.append(' ').append(inline(c).replace("|", "\\|")).append(" |");
        }
        sb.append('\n');
    }

    /** Escapes the characters Markdown would take as emphasis or markup in plain text. */
    static String inline(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // '_' stays: GitHub Markdown does not emphasise inside words (mine_corrected), and the raw file stays readable.
            if (c == '*' || c == '`' || c == '<' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c == '\n' ? ' ' : c);
        }
        return sb.toString();
    }
}
