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
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Per-epoch curves of every trained defense (the first seed's run): test accuracy above, training
 * loss below, sharing the epoch axis; one colour per defense as in the other figures.
 */
final class TrainingCurveFigure {
    static final int WIDTH = 900;
    static final int HEIGHT = 720;

    private TrainingCurveFigure() {
    }

    /** @return the figure, or empty when no curve has any epoch */
    static Optional<BufferedImage> render(List<EpochCurve> curves, Map<String, Color> palette) {
        XYSeriesCollection accuracy = new XYSeriesCollection();
        XYSeriesCollection loss = new XYSeriesCollection();
        List<Color> accColors = new ArrayList<>();
        List<Color> lossColors = new ArrayList<>();
        for (EpochCurve c : curves) {
            XYSeries a = series(c.defense(), c.series("test_accuracy"), 100);
            if (a.getItemCount() > 0) {
                accuracy.addSeries(a);
                accColors.add(palette.getOrDefault(c.defense(), Color.DARK_GRAY));
            }
            XYSeries l = series(c.defense(), c.series("train_loss"), 1);
            if (l.getItemCount() > 0) {
                loss.addSeries(l);
                lossColors.add(palette.getOrDefault(c.defense(), Color.DARK_GRAY));
            }
        }
        if (accuracy.getSeriesCount() == 0 && loss.getSeriesCount() == 0) {
            return Optional.empty();
        }
        NumberAxis epoch = new NumberAxis("epoch");
        epoch.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epoch.setAutoRangeIncludesZero(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epoch);
        plot.setGap(12);
        if (accuracy.getSeriesCount() > 0) {
            plot.add(subplot(accuracy, "test accuracy (%)", accColors, true), 1);
        }
        if (loss.getSeriesCount() > 0) {
            plot.add(subplot(loss, "training loss", lossColors, accuracy.getSeriesCount() == 0), 1);
        }
        JFreeChart chart = new JFreeChart("Training: test accuracy and training loss per epoch", ChartStyle.TITLE, plot, true);
        ChartStyle.style(chart);
        for (Object sub : plot.getSubplots()) {
            ChartStyle.style((XYPlot) sub);
        }
        return Optional.of(ChartStyle.render(chart, WIDTH, HEIGHT));
    }

    private static XYSeries series(String key, List<double[]> points, double scale) {
        XYSeries s = new XYSeries(key, false, true);
        for (double[] p : points) {
            s.add(p[0], scale * p[1]);
        }
        return s;
    }

    /** A subplot; only the first one shows its series in the legend (the colours are shared). */
    private static XYPlot subplot(XYSeriesCollection data, String label, List<Color> colors, boolean inLegend) {
        NumberAxis y = new NumberAxis(label);
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        // One marker for all: a defense is told by its colour, the same in both panels.
        r.setDefaultShape(new Ellipse2D.Double(-3.5, -3.5, 7, 7));
        r.setAutoPopulateSeriesShape(false);
        for (int i = 0; i < colors.size(); i++) {
            r.setSeriesPaint(i, colors.get(i));
            r.setSeriesStroke(i, ChartStyle.LINE);
            r.setSeriesVisibleInLegend(i, inLegend);
        }
        return new XYPlot(data, null, y, r);
    }
}
