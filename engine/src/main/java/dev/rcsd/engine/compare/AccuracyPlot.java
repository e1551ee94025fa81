package dev.rcsd.engine.compare;

import dev.rcsd.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** accuracy.png: evaluation accuracy against training step, one line per method (mean over its seeds). */
public final class AccuracyPlot {
  private AccuracyPlot() {}

  public static XYChart chart(List<RunSummary> runs) {
    XYChart chart = new XYChartBuilder().width(900).height(560).title("Accuracy on the evaluation subset")
        .xAxisTitle("step").yAxisTitle("accuracy (%)").build();
    chart.getStyler().setMarkerSize(5);
    for (Map.Entry<String, List<RunSummary>> e : ComparisonReport.byMethod(runs).entrySet()) {
      Map<Double, double[]> byStep = new TreeMap<>(); // step -> sum, count
      for (RunSummary r : e.getValue()) {
        for (double[] point : r.curve()) {
          double[] acc = byStep.computeIfAbsent(point[0], k -> new double[2]);
          acc[0] += point[1];
          acc[1]++;
        }
      }
      int seeds = e.getValue().size();
      double[] x = byStep.entrySet().stream().filter(p -> p.getValue()[1] == seeds).mapToDouble(Map.Entry::getKey)
          .toArray();
      double[] y = byStep.values().stream().filter(v -> v[1] == seeds).mapToDouble(v -> 100 * v[0] / v[1]).toArray();
      if (x.length > 0) {
        chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
      }
    }
    return chart;
  }

  public static void write(Path file, List<RunSummary> runs) throws IOException {
    try (AtomicFile f = AtomicFile.create(file)) {
      BitmapEncoder.saveBitmap(chart(runs), f.stream(), BitmapEncoder.BitmapFormat.PNG);
      f.commit();
    }
  }
}
