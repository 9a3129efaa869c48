package org.sparkrnn.driver.train;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row per logged iteration: iteration, epoch, training loss, gradient norm, learning rate, and validation
 * metrics where computed; written to {@code metrics.csv} in the model directory. A resumed run reads the rows back
 * and drops any written after its checkpoint.
 */
public final class MetricsHistory {

    /**
     * One row; {@code epoch} counts from 1, as the progress lines do; {@code validation} is empty when not computed
     * at this iteration.
     */
    public record Row(long iteration, long epoch, double trainLoss, double gradientNorm, double learningRate,
                      Map<String, Double> validation) {
    }

    private final List<Row> rows = new ArrayList<>();

    public void add(Row row) {
        rows.add(row);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Keeps the rows of the first {@code iterationsDone} iterations (numbered from 1), for a resumed run. */
    public void keepFirst(long iterationsDone) {
        rows.removeIf(row -> row.iteration() > iterationsDone);
    }

    public String toCsv() {
        Set<String> metricNames = new LinkedHashSet<>();
        rows.forEach(row -> metricNames.addAll(row.validation().keySet()));
        StringBuilder csv = new StringBuilder("iteration,epoch,train_loss,grad_norm,lr");
        metricNames.forEach(name -> csv.append(",val_").append(name));
        csv.append('\n');
        for (Row row : rows) {
            csv.append(row.iteration()).append(',').append(row.epoch()).append(',').append(num(row.trainLoss()))
               .append(',').append(num(row.gradientNorm())).append(',').append(num(row.learningRate()));
            for (String name : metricNames) {
                Double value = row.validation().get(name);
                csv.append(',').append(value == null ? "" : num(value));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** Rows from a {@link #toCsv} text (the columns it wrote). */
    public static MetricsHistory fromCsv(String csv) {
        MetricsHistory history = new MetricsHistory();
        String[] lines = csv.split("\n");
        if (lines.length == 0 || lines[0].isBlank()) {
            return history;
        }
        String[] header = lines[0].split(",", -1);
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(",", -1);
            Map<String, Double> validation = new java.util.LinkedHashMap<>();
            for (int c = 5; c < header.length && c < f.length; c++) {
                if (!f[c].isEmpty()) {
                    validation.put(header[c].substring("val_".length()), Double.parseDouble(f[c]));
                }
            }
            history.add(new Row(Long.parseLong(f[0]), Long.parseLong(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), validation));
        }
        return history;
    }

    /** Shortest text that reads back to the same double, so a resumed run's history is exact. */
    private static String num(double v) {
        return Double.toString(v);
    }
}
