package org.siftfunnel.model.report;

import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The privacy–utility plane: test accuracy (y) against one black-box attack metric (x), one
 * labelled point per defense at its chosen setting, with ± std bars on both axes when the run
 * had several seeds. A swept defense also draws its sweep as a thin connected curve in the
 * same colour, so the chosen point sits on its curve, drawn larger with a black outline.
 */
final class PrivacyUtilityFigure {
    static final int WIDTH = 900;
    static final int HEIGHT = 620;

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
        pointRenderer.setDefaultShape(new Ellipse2D.Double(-6, -6, 12, 12));
        pointRenderer.setAutoPopulateSeriesShape(false);
        pointRenderer.setUseOutlinePaint(true);
        pointRenderer.setDrawOutlines(true);
        pointRenderer.setDefaultOutlinePaint(Color.BLACK);
        pointRenderer.setAutoPopulateSeriesOutlinePaint(false);
        pointRenderer.setDefaultItemLabelGenerator((dataset, series, item) -> String.valueOf(dataset.getSeriesKey(series)));
        pointRenderer.setDefaultItemLabelsVisible(true);
        pointRenderer.setDefaultItemLabelFont(ChartStyle.LABEL);
        for (int i = 0; i < pointColors.size(); i++) {
            pointRenderer.setSeriesPaint(i, pointColors.get(i));
        }

        XYPlot plot = new XYPlot(points, xAxis, yAxis, pointRenderer);
        if (curves.getSeriesCount() > 0) {
            XYLineAndShapeRenderer curveRenderer = new XYLineAndShapeRenderer(true, true);
            curveRenderer.setDefaultShape(new Ellipse2D.Double(-3, -3, 6, 6));
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
        return Optional.of(ChartStyle.render(chart, WIDTH, HEIGHT));
    }
}
