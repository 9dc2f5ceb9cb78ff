package org.siftfunnel.model.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * Writes the report's blocks as one self-contained HTML page: the style sheet is inline and every
 * figure is embedded as a {@code data:image/png;base64} URI, so the file can be mailed or
 * archived alone. It references nothing outside itself.
 */
public final class HtmlRenderer {
    private static final String STYLE = """
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328;
                   max-width: 1100px; margin: 2em auto; padding: 0 1.5em; line-height: 1.45; }
            h1 { border-bottom: 2px solid #d0d7de; padding-bottom: .3em; }
            h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2em; margin-top: 2em; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
            th, td { border: 1px solid #d0d7de; padding: 4px 9px; }
            th { background: #f6f8fa; text-align: left; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            tr:nth-child(even) td { background: #fafbfc; }
            figure { margin: 1.5em 0; }
            figure img { max-width: 100%; border: 1px solid #d0d7de; }
            figcaption { color: #57606a; font-size: 0.9em; margin-top: .3em; }
            pre { background: #f6f8fa; padding: .8em; overflow-x: auto; font-size: 0.85em; }
            .verdict-PASS { color: #1a7f37; font-weight: bold; }
            .verdict-FAIL { color: #cf222e; font-weight: bold; }
            .verdict-NOT-MEASURED { color: #9a6700; font-weight: bold; }
            .verdict-INCONCLUSIVE { color: #9a6700; font-weight: bold; }
            """;

    private HtmlRenderer() {
    }

    /** Renders {@code blocks}; figures are read from {@code figuresDir} and embedded. */
    public static String render(String title, List<Block> blocks, Path figuresDir) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(escape(title))
                .append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        for (Block b : blocks) {
            switch (b) {
                case Block.Heading h -> sb.append("<h").append(h.level()).append('>').append(escape(h.text()))
                        .append("</h").append(h.level()).append(">\n");
                case Block.Paragraph p -> sb.append("<p>").append(escape(p.text())).append("</p>\n");
                case Block.Bullets l -> {
                    sb.append("<ul>\n");
                    for (String item : l.items()) {
                        sb.append("<li>").append(escape(item)).append("</li>\n");
                    }
                    sb.append("</ul>\n");
                }
                case Block.Table t -> table(sb, t);
                case Block.Figure f -> {
                    byte[] png = Files.readAllBytes(figuresDir.resolve(f.file()));
                    sb.append("<figure>\n<img alt=\"").append(escape(f.caption())).append("\" src=\"data:image/png;base64,")
                            .append(Base64.getEncoder().encodeToString(png)).append("\">\n<figcaption>").append(escape(f.caption()))
                            .append("</figcaption>\n</figure>\n");
                }
                case Block.Code c -> sb.append("<pre>").append(escape(c.text())).append("</pre>\n");
            }
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    private static void table(StringBuilder sb, Block.Table t) {
        sb.append("<table>\n<thead><tr>");
        for (String h : t.header()) {
            sb.append("<th>").append(escape(h)).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> r : t.rows()) {
            sb.append("<tr>");
            for (int i = 0; i < r.size(); i++) {
                String cell = r.get(i);
                Verdict v = verdict(cell);
                if (v != null) {
                    sb.append("<td class=\"verdict-").append(v.label().replace(' ', '-')).append("\">");
                } else {
                    sb.append(i >= t.numericFrom() ? "<td class=\"num\">" : "<td>");
                }
                sb.append(escape(cell)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
    }

    private static Verdict verdict(String cell) {
        for (Verdict v : Verdict.values()) {
            if (v.label().equals(cell)) {
                return v;
            }
        }
        return null;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
