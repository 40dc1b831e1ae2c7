package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.io.AtomicWrites;
import io.github.tdmpc2j.spi.io.WriteFailedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Learning curves as PNG files (headless). */
final class CurvePlot {
    record Point(double x, double y) implements java.io.Serializable {
    }

    private CurvePlot() {
    }

    /** One chart with a line per named series; written to a temporary file and renamed. */
    static void write(Path png, String title, String xLabel, String yLabel, Map<String, List<Point>> series) {
        System.setProperty("java.awt.headless", "true");
        ImageIO.setUseCache(false);
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, points) -> {
            XYSeries s = new XYSeries(name, false, true);
            points.forEach(p -> s.add(p.x(), p.y()));
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                series.size() > 1, false, false);
        chart.setBackgroundPaint(java.awt.Color.WHITE);
        var plot = chart.getXYPlot();
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        plot.setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        // encoded in memory (ImageIO's cache file off), then written: a full disk fails the write of the file alone
        // (encoded straight into it, its failed close left ImageIO's stream closer a NullPointerException to print
        // as the JVM exited)
        byte[] encoded;
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
            ChartUtils.writeChartAsPNG(bytes, chart, 900, 540);
            encoded = bytes.toByteArray();
        } catch (IOException e) { // memory only: not the file system's
            throw new IllegalStateException("encoding the plot " + png + " failed", e);
        }
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            AtomicWrites.replace(png, tmp -> Files.write(tmp, encoded));
        } catch (IOException e) {
            throw new WriteFailedException("the plot " + png, e);
        }
    }
}
