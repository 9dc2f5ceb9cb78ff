package org.siftfunnel.model.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The privacy–utility plane: test accuracy (y) against one black-box attack metric (x), one
 * labelled point per defense at its chosen setting, with ± std bars on both axes when the run
 * had several seeds. A swept defense also draws its sweep as a thin connected curve in the
 * same colour, so the chosen point sits on its curve, drawn larger with a black outline. Each
 * point's name sits beside it where it covers no other name or mark ({@link LabelPlacer}).
 */
final class PrivacyUtilityFigure {
    static final int WIDTH = 900;
    static final int HEIGHT = 620;
    private static final double POINT_RADIUS = 6;
    private static final double CURVE_POINT_RADIUS = 3;

    private PrivacyUtilityFigure() {
    }

    /**
     * @param attackKey the black-box metric on x: {@code ssim} or {@code attack_accuracy}
     * @return the figure, or empty when no defense has both the accuracy and that metric
     */
    static Optional<BufferedImage> render(EvaluationResults results, String attackKey, Map<String, Color> palette) {
        boolean percentX = attackKey.equals("attack_accuracy");
        XYIntervalSeriesCollection points = new XYIntervalSeriesCollection();
        XYSeriesCollection curves = new XYSeriesCollection();
        List<Color> pointColors = new ArrayList<>();
        List<Color> curveColors = new ArrayList<>();
        for (DefenseEntry d : results.defenses().values()) {
            Optional<Measure> y = d.metric("accuracy");
            Optional<Measure> x = d.attackMetric(Claims.BLACKBOX, attackKey);
            if (x.isPresent() && y.isPresent()) {
                XYIntervalSeries s = new XYIntervalSeries(d.name());
                double sx = percentX ? 100 : 1;
                double xv = sx * x.get().value();
                double yv = 100 * y.get().value();
                double xe = x.get().hasStd() ? sx * x.get().std() : 0;
                double ye = y.get().hasStd() ? 100 * y.get().std() : 0;
                s.add(xv, xv - xe, xv + xe, yv, yv - ye, yv + ye);
                points.addSeries(s);
                pointColors.add(palette.get(d.name()));
            }
            XYSeries curve = new XYSeries(d.name() + " sweep", false, true);
            for (DefenseEntry p : d.sweep()) {
                Optional<Measure> py = p.metric("accuracy");
                Optional<Measure> px = p.attackMetric(Claims.BLACKBOX, attackKey);
                if (px.isPresent() && py.isPresent()) {
                    curve.add((percentX ? 100 : 1) * px.get().value(), 100 * py.get().value());
                }
            }
            if (curve.getItemCount() > 0) {
                curves.addSeries(curve);
                curveColors.add(palette.get(d.name()));
            }
        }
        if (points.getSeriesCount() == 0 && curves.getSeriesCount() == 0) {
            return Optional.empty();
        }
        String xLabel = percentX ? "black-box attack accuracy on reconstructions (%) — lower is more private"
                : "black-box attack SSIM — lower is more private";
        NumberAxis xAxis = new NumberAxis(xLabel);
        xAxis.setAutoRangeIncludesZero(false);
        NumberAxis yAxis = new NumberAxis("test accuracy (%)");
        yAxis.setAutoRangeIncludesZero(false);

        XYErrorRenderer pointRenderer = new XYErrorRenderer();
        pointRenderer.setDrawXError(true);
        pointRenderer.setDrawYError(true);
        pointRenderer.setCapLength(6);
        pointRenderer.setDefaultShape(new Ellipse2D.Double(-POINT_RADIUS, -POINT_RADIUS, 2 * POINT_RADIUS, 2 * POINT_RADIUS));
        pointRenderer.setAutoPopulateSeriesShape(false);
        pointRenderer.setUseOutlinePaint(true);
        pointRenderer.setDrawOutlines(true);
        pointRenderer.setDefaultOutlinePaint(Color.BLACK);
        pointRenderer.setAutoPopulateSeriesOutlinePaint(false);
        for (int i = 0; i < pointColors.size(); i++) {
            pointRenderer.setSeriesPaint(i, pointColors.get(i));
        }

        XYPlot plot = new XYPlot(points, xAxis, yAxis, pointRenderer);
        if (curves.getSeriesCount() > 0) {
            XYLineAndShapeRenderer curveRenderer = new XYLineAndShapeRenderer(true, true);
            curveRenderer.setDefaultShape(new Ellipse2D.Double(-CURVE_POINT_RADIUS, -CURVE_POINT_RADIUS,
                    2 * CURVE_POINT_RADIUS, 2 * CURVE_POINT_RADIUS));
            curveRenderer.setAutoPopulateSeriesShape(false);
            for (int i = 0; i < curveColors.size(); i++) {
                curveRenderer.setSeriesPaint(i, curveColors.get(i));
                curveRenderer.setSeriesStroke(i, ChartStyle.LINE);
                curveRenderer.setSeriesVisibleInLegend(i, false);
            }
            // Index 1 is drawn first (the default reverse rendering order), so the chosen points stay on top.
            plot.setDataset(1, curves);
            plot.setRenderer(1, curveRenderer);
        }
        String title = percentX ? "Privacy–utility: accuracy vs black-box attack accuracy"
                : "Privacy–utility: accuracy vs black-box attack SSIM";
        JFreeChart chart = new JFreeChart(title, ChartStyle.TITLE, plot, true);
        ChartStyle.style(chart);
        labelPoints(chart, plot, points, curves);
        return Optional.of(ChartStyle.render(chart, WIDTH, HEIGHT));
    }

    /**
     * Names each point with a text annotation placed by {@link LabelPlacer}: a first rendering
     * gives the plot's data area, which turns values into pixels; annotations do not change the
     * axes or the layout, so the final rendering has the same geometry.
     */
    private static void labelPoints(JFreeChart chart, XYPlot plot, XYIntervalSeriesCollection points,
                                    XYSeriesCollection curves) {
        if (points.getSeriesCount() == 0) {
            return;
        }
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage scratch = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        FontRenderContext frc;
        try {
            ChartStyle.hints(g);
            chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT), info);
            frc = g.getFontRenderContext();
        } finally {
            g.dispose();
        }
        Rectangle2D area = info.getPlotInfo().getDataArea();
        ValueAxis xAxis = plot.getDomainAxis();
        ValueAxis yAxis = plot.getRangeAxis();
        RectangleEdge xEdge = plot.getDomainAxisEdge();
        RectangleEdge yEdge = plot.getRangeAxisEdge();

        List<LabelPlacer.Mark> marks = new ArrayList<>();
        List<Point2D> sizes = new ArrayList<>();
        List<Rectangle2D> obstacles = new ArrayList<>();
        for (int i = 0; i < points.getSeriesCount(); i++) {
            // Each point series holds one item: the value and its ± std interval.
            double[] v = {points.getXValue(i, 0), points.getYValue(i, 0),
                    points.getXValue(i, 0) - points.getStartXValue(i, 0), points.getYValue(i, 0) - points.getStartYValue(i, 0)};
            double px = xAxis.valueToJava2D(v[0], area, xEdge);
            double py = yAxis.valueToJava2D(v[1], area, yEdge);
            LabelPlacer.Mark m = new LabelPlacer.Mark(px, py, POINT_RADIUS);
            marks.add(m);
            obstacles.add(m.bounds());
            if (v[2] > 0) { // the x error bar and its caps
                double lo = xAxis.valueToJava2D(v[0] - v[2], area, xEdge);
                double hi = xAxis.valueToJava2D(v[0] + v[2], area, xEdge);
                obstacles.add(new Rectangle2D.Double(Math.min(lo, hi), py - 3, Math.abs(hi - lo), 6));
            }
            if (v[3] > 0) {
                double lo = yAxis.valueToJava2D(v[1] - v[3], area, yEdge);
                double hi = yAxis.valueToJava2D(v[1] + v[3], area, yEdge);
                obstacles.add(new Rectangle2D.Double(px - 3, Math.min(lo, hi), 6, Math.abs(hi - lo)));
            }
            String name = String.valueOf(points.getSeriesKey(i));
            Rectangle2D text = ChartStyle.LABEL.getStringBounds(name, frc);
            sizes.add(new Point2D.Double(text.getWidth(), text.getHeight()));
        }
        for (int c = 0; c < curves.getSeriesCount(); c++) {
            for (int k = 0; k < curves.getItemCount(c); k++) {
                double px = xAxis.valueToJava2D(curves.getXValue(c, k), area, xEdge);
                double py = yAxis.valueToJava2D(curves.getYValue(c, k), area, yEdge);
                obstacles.add(new LabelPlacer.Mark(px, py, CURVE_POINT_RADIUS).bounds());
            }
        }
        List<Rectangle2D> labels = LabelPlacer.place(marks, sizes, obstacles, area);
        for (int i = 0; i < labels.size(); i++) {
            Rectangle2D r = labels.get(i);
            XYTextAnnotation a = new XYTextAnnotation(String.valueOf(points.getSeriesKey(i)),
                    xAxis.java2DToValue(r.getCenterX(), area, xEdge), yAxis.java2DToValue(r.getCenterY(), area, yEdge));
            a.setFont(ChartStyle.LABEL);
            a.setPaint(Color.BLACK);
            a.setTextAnchor(TextAnchor.CENTER);
            plot.addAnnotation(a);
        }
    }
}
