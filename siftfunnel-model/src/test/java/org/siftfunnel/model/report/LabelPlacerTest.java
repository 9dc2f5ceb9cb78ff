package org.siftfunnel.model.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LabelPlacerTest {
    private static final Rectangle2D AREA = new Rectangle2D.Double(50, 30, 840, 500);

    private static List<Rectangle2D> bounds(List<LabelPlacer.Mark> marks) {
        return marks.stream().map(LabelPlacer.Mark::bounds).toList();
    }

    @Test
    void aLoneLabelSitsCentredAboveItsPoint() {
        LabelPlacer.Mark m = new LabelPlacer.Mark(400, 300, 6);
        Rectangle2D r = LabelPlacer.place(List.of(m), List.of(new Point2D.Double(60, 14)), bounds(List.of(m)), AREA).get(0);
        assertEquals(400, r.getCenterX(), 1e-9);
        assertEquals(300 - 6 - LabelPlacer.GAP, r.getMaxY(), 1e-9);
    }

    /** The demo's crowded corner: undefended, noise and NoPeek within a few pixels of each other. */
    @Test
    void crowdedPointsGetLabelsThatCoverNoOtherLabelOrPoint() {
        List<LabelPlacer.Mark> marks = List.of(new LabelPlacer.Mark(853, 48, 6), new LabelPlacer.Mark(831, 55, 6),
                new LabelPlacer.Mark(827, 49, 6), new LabelPlacer.Mark(90, 131, 6), new LabelPlacer.Mark(758, 530, 6));
        List<Point2D> sizes = new ArrayList<>();
        for (String name : List.of("none", "noise", "nopeek", "siftfunnel", "dropout")) {
            sizes.add(new Point2D.Double(7.0 * name.length(), 14));
        }
        List<Rectangle2D> labels = LabelPlacer.place(marks, sizes, bounds(marks), AREA);
        assertEquals(marks.size(), labels.size());
        for (int i = 0; i < labels.size(); i++) {
            Rectangle2D a = labels.get(i);
            assertTrue(AREA.contains(a), "label " + i + " leaves the plot: " + a);
            for (int j = 0; j < labels.size(); j++) {
                if (j != i) {
                    assertEquals(0, LabelPlacer.overlap(a, labels.get(j)), "labels " + i + " and " + j + " overlap");
                }
            }
            for (LabelPlacer.Mark m : marks) {
                assertEquals(0, LabelPlacer.overlap(a, m.bounds()), "label " + i + " covers a point at " + m);
            }
        }
        // The point on the bottom edge (dropout) cannot have its label below it.
        assertTrue(labels.get(4).getMaxY() <= 530, labels.get(4).toString());
    }

    @Test
    void whenEveryPlaceCollidesTheLeastCoveredOneWins() {
        LabelPlacer.Mark m = new LabelPlacer.Mark(400, 300, 6);
        // Obstacles on every side except the lower left.
        List<Rectangle2D> obstacles = new ArrayList<>(bounds(List.of(m)));
        obstacles.add(new Rectangle2D.Double(300, 200, 200, 94)); // above
        obstacles.add(new Rectangle2D.Double(406, 280, 100, 200)); // right, below right and part of below
        obstacles.add(new Rectangle2D.Double(300, 280, 94, 26)); // left
        Rectangle2D r = LabelPlacer.place(List.of(m), List.of(new Point2D.Double(40, 14)), obstacles, AREA).get(0);
        assertTrue(r.getMaxX() <= 400 && r.getMinY() >= 300, "expected the lower-left place: " + r);
        for (Rectangle2D o : obstacles) {
            assertEquals(0, LabelPlacer.overlap(r, o), "covers " + o);
        }
    }

    @Test
    void oneSizePerLabelledPoint() {
        assertThrows(IllegalArgumentException.class, () -> LabelPlacer.place(List.of(new LabelPlacer.Mark(1, 1, 1)),
                List.of(), List.of(), AREA));
    }
}
