package org.siftfunnel.model.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

/**
 * Bar charts of one or more per-defense quantities (mutual-information estimates, ΔZ/dim), with
 * ± std error bars when the run had several seeds. Bars are grouped per defense; a missing value
 * leaves a gap rather than a zero bar.
 */
final class DefenseBarFigure {
    static final int WIDTH = 900;
    static final int HEIGHT = 480;
    private static final List<Color> SERIES_COLORS = List.of(new Color(0x4E79A7), new Color(0xF28E2B), new Color(0x59A14F));

    private DefenseBarFigure() {
    }

    /** One bar series: its legend label and how to read it from a defense. */
    record Series(String label, Function<DefenseEntry, Optional<Measure>> value) {
    }

    /** @return the figure, or empty when no defense has any of the series' values */
    static Optional<BufferedImage> render(EvaluationResults results, String title, String valueAxis, List<Series> series) {
        DefaultStatisticalCategoryDataset dataset = new DefaultStatisticalCategoryDataset();
        boolean any = false;
        for (Series s : series) {
            for (DefenseEntry d : results.defenses().values()) {
                Optional<Measure> m = s.value().apply(d);
                if (m.isPresent()) {
                    any = true;
                    // No std (one seed) is null, which draws no error bar (a zero would draw a flat one).
                    Number mean = m.get().value();
                    Number std = m.get().hasStd() ? Double.valueOf(m.get().std()) : null;
                    dataset.add(mean, std, s.label(), d.name());
                } else {
                    dataset.add((Number) null, (Number) null, s.label(), d.name());
                }
            }
        }
        if (!any) {
            return Optional.empty();
        }
        StatisticalBarRenderer renderer = new StatisticalBarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setErrorIndicatorPaint(Color.BLACK);
        renderer.setItemMargin(0.05);
        for (int i = 0; i < series.size(); i++) {
            renderer.setSeriesPaint(i, SERIES_COLORS.get(i % SERIES_COLORS.size()));
        }
        CategoryAxis x = new CategoryAxis("defense");
        x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        NumberAxis y = new NumberAxis(valueAxis);
        CategoryPlot plot = new CategoryPlot(dataset, x, y, renderer);
        JFreeChart chart = new JFreeChart(title, ChartStyle.TITLE, plot, series.size() > 1);
        ChartStyle.style(chart);
        return Optional.of(ChartStyle.render(chart, WIDTH, HEIGHT));
    }
}
