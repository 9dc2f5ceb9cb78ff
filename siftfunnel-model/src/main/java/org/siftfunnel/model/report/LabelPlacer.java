package org.siftfunnel.model.report;

import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

/**
 * Places one text label beside each point of a scatter plot so that labels overlap neither each
 * other nor the marks, and stay inside the plot area. Defenses of similar accuracy and privacy
 * sit close together on the privacy–utility plane (undefended, noise and NoPeek in the demo), and
 * the chart library's fixed "label above the point" then stacks their names into one unreadable
 * blot.
 *
 * <p>Greedy, in the order given: each label tries eight positions around its point (above, right,
 * below, left, then the diagonals) and takes the first that collides with nothing placed so far,
 * no mark and no edge; when all collide it takes the one with the least overlapping area. Points
 * are in pixels of the rendered chart.
 */
final class LabelPlacer {
    /** Gap between a mark's edge and its label, in pixels. */
    static final double GAP = 3;

    /** A point's mark: its centre and radius in pixels. */
    record Mark(double x, double y, double radius) {
        Rectangle2D bounds() {
            return new Rectangle2D.Double(x - radius, y - radius, 2 * radius, 2 * radius);
        }
    }

    private LabelPlacer() {
    }

    /**
     * @param labelled  the marks that get a label, one per entry of {@code sizes}
     * @param sizes     width and height of each label's text, in pixels
     * @param obstacles other things labels should not cover (every mark, error bars, curve points)
     * @param area      the plot's data area; labels stay inside it where they can
     * @return the rectangle of each label, in the order of {@code labelled}
     */
    static List<Rectangle2D> place(List<Mark> labelled, List<Point2D> sizes, List<Rectangle2D> obstacles, Rectangle2D area) {
        if (labelled.size() != sizes.size()) {
            throw new IllegalArgumentException("one size per labelled mark: " + labelled.size() + " marks, " + sizes.size() + " sizes");
        }
        List<Rectangle2D> placed = new ArrayList<>();
        for (int i = 0; i < labelled.size(); i++) {
            Mark m = labelled.get(i);
            double w = sizes.get(i).getX();
            double h = sizes.get(i).getY();
            Rectangle2D best = null;
            double bestCost = Double.POSITIVE_INFINITY;
            for (Rectangle2D candidate : candidates(m, w, h)) {
                double cost = 0;
                for (Rectangle2D p : placed) {
                    cost += 4 * overlap(candidate, p); // covering another label hides a name: worst
                }
                for (Rectangle2D o : obstacles) {
                    cost += overlap(candidate, o);
                }
                Rectangle2D inside = candidate.createIntersection(area);
                double visible = inside.isEmpty() ? 0 : inside.getWidth() * inside.getHeight();
                cost += 4 * (w * h - visible);
                if (cost < bestCost) {
                    best = candidate;
                    bestCost = cost;
                    if (cost == 0) {
                        break;
                    }
                }
            }
            placed.add(best);
        }
        return placed;
    }

    /** Above, right, below, left, then above-right, above-left, below-right, below-left. */
    private static List<Rectangle2D> candidates(Mark m, double w, double h) {
        double r = m.radius() + GAP;
        double d = r * Math.sqrt(0.5); // the diagonals touch the mark's circle, not its square
        return List.of(
                new Rectangle2D.Double(m.x() - w / 2, m.y() - r - h, w, h),
                new Rectangle2D.Double(m.x() + r, m.y() - h / 2, w, h),
                new Rectangle2D.Double(m.x() - w / 2, m.y() + r, w, h),
                new Rectangle2D.Double(m.x() - r - w, m.y() - h / 2, w, h),
                new Rectangle2D.Double(m.x() + d, m.y() - d - h, w, h),
                new Rectangle2D.Double(m.x() - d - w, m.y() - d - h, w, h),
                new Rectangle2D.Double(m.x() + d, m.y() + d, w, h),
                new Rectangle2D.Double(m.x() - d - w, m.y() + d, w, h));
    }

    static double overlap(Rectangle2D a, Rectangle2D b) {
        double w = Math.min(a.getMaxX(), b.getMaxX()) - Math.max(a.getMinX(), b.getMinX());
        double h = Math.min(a.getMaxY(), b.getMaxY()) - Math.max(a.getMinY(), b.getMinY());
        return w > 0 && h > 0 ? w * h : 0;
    }
}
