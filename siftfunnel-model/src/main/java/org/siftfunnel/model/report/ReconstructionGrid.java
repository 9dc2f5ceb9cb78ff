package org.siftfunnel.model.report;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The grid of originals and reconstructions, drawn with plain Java2D (a chart library adds
 * nothing here): one row of originals, then one row per defense × attack, one column per image,
 * each image upscaled by an integer factor with nearest-neighbour sampling so 32×32 pixels stay
 * crisp and visible. Row labels on the left, column numbers on top.
 */
final class ReconstructionGrid {
    /** Images are enlarged to at least this many pixels on their longer side. */
    static final int MIN_CELL = 96;
    static final int GAP = 4;
    static final int LABEL_WIDTH = 240;
    static final int HEADER_HEIGHT = 24;
    /** At most this many images per row (the contract writes 8). */
    static final int MAX_COLUMNS = 8;

    /** One labelled row of images. */
    record Row(String label, ImageBatch images) {
    }

    private ReconstructionGrid() {
    }

    /** The integer upscaling factor for images of {@code h × w} pixels. */
    static int scale(int h, int w) {
        return Math.max(1, (MIN_CELL + Math.max(h, w) - 1) / Math.max(h, w));
    }

    static int width(int columns, int h, int w) {
        return LABEL_WIDTH + columns * (w * scale(h, w) + GAP) + GAP;
    }

    static int height(int rows, int h, int w) {
        return HEADER_HEIGHT + rows * (h * scale(h, w) + GAP) + GAP;
    }

    /** All rows must hold images of the same shape (the caller checks and names the file otherwise). */
    static BufferedImage render(List<Row> rows) {
        ImageBatch first = rows.get(0).images();
        int columns = Math.min(MAX_COLUMNS, first.n());
        int h = first.h();
        int w = first.w();
        int s = scale(h, w);
        BufferedImage img = new BufferedImage(width(columns, h, w), height(rows.size(), h, w), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(ChartStyle.LABEL);
            g.setColor(Color.DARK_GRAY);
            FontMetrics fm = g.getFontMetrics();
            for (int col = 0; col < columns; col++) {
                String t = "image " + (col + 1);
                int x = LABEL_WIDTH + GAP + col * (w * s + GAP) + (w * s - fm.stringWidth(t)) / 2;
                g.drawString(t, x, HEADER_HEIGHT - 7);
            }
            for (int r = 0; r < rows.size(); r++) {
                Row row = rows.get(r);
                int top = HEADER_HEIGHT + r * (h * s + GAP);
                g.setColor(Color.BLACK);
                g.drawString(fit(row.label(), fm, LABEL_WIDTH - 12), 6, top + (h * s + fm.getAscent()) / 2);
                for (int col = 0; col < Math.min(columns, row.images().n()); col++) {
                    int left = LABEL_WIDTH + GAP + col * (w * s + GAP);
                    // Nearest-neighbour upscaling by hand: every source pixel becomes an s × s block.
                    for (int y = 0; y < h * s; y++) {
                        for (int x = 0; x < w * s; x++) {
                            img.setRGB(left + x, top + y, row.images().rgb(col, y / s, x / s));
                        }
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The label, shortened with an ellipsis to fit {@code width} pixels. */
    private static String fit(String label, FontMetrics fm, int width) {
        if (fm.stringWidth(label) <= width) {
            return label;
        }
        String s = label;
        while (s.length() > 1 && fm.stringWidth(s + "…") > width) {
            s = s.substring(0, s.length() - 1);
        }
        return s + "…";
    }
}
