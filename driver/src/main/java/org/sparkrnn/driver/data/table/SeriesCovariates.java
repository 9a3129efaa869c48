package org.sparkrnn.driver.data.table;

import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.config.CalendarFeature;
import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.driver.config.TableLayout;

import java.io.Serializable;
import java.util.List;

/**
 * A long table's inputs that are not a series' own past, as the cutter checks them: those a forecast decoder reads
 * at each step it predicts (the windows then carry their future rows, whose known inputs must be there), and the
 * statics, which hold one value per series ({@link #checkAndFill}). Where a decoder reads nothing but the statics and
 * the calendar, a step past the table's end is made from its time ({@link #derivedSteps}). Spark-free.
 *
 * @param future       input indexes read at each predicted step, or null: the windows carry no future rows
 * @param statics      input indexes of the static columns (a text static: one per category)
 * @param staticNames  their columns' names, for errors
 * @param categories   the category each static input is one-hot for (null for a numeric static), for errors
 * @param calendar     the calendar features, in input order
 * @param calendarFrom the input index of the first calendar feature's sine (each feature: sine, then cosine)
 * @param knownColumns whether the decoder reads {@code --known-columns} (then only the table can give a future step)
 */
public record SeriesCovariates(int[] future, int[] statics, String[] staticNames, String[] categories,
                               CalendarFeature[] calendar, int calendarFrom, boolean knownColumns)
        implements Serializable {

    /** What the cutter checks of {@code layout}'s known and static inputs; null when it has neither. */
    public static SeriesCovariates of(TableLayout layout) {
        if (!layout.futureRows() && layout.staticColumns().isEmpty()) {
            return null;
        }
        List<String> names = layout.staticInputColumns();
        int[] statics = new int[names.size()];
        String[] categories = new String[names.size()];
        for (int k = 0; k < statics.length; k++) {
            statics[k] = layout.staticFrom() + k;
            List<String> values = layout.categories().getOrDefault(names.get(k), List.of());
            categories[k] = values.isEmpty() ? null : values.get(k - names.indexOf(names.get(k)));
        }
        return new SeriesCovariates(layout.futureRows()
                ? layout.knownInputs().stream().mapToInt(Integer::intValue).toArray() : null, statics,
                names.toArray(new String[0]), categories, layout.calendar().toArray(new CalendarFeature[0]),
                layout.staticFrom() + names.size(), !layout.knownColumns().isEmpty());
    }

    /**
     * The steps a decoder reads after row {@code last} of a series, made from their times where the table has no rows
     * for them: each step's statics (the series' values, as row {@code last} holds them) and calendar inputs (at the
     * time {@code horizons[h]} steps of {@code frequency} after row {@code last}'s), 0 for the inputs a decoder never
     * reads; the same values the table's rows would give. Null when a step cannot be made so: the decoder reads
     * {@code --known-columns}, or reads the calendar without a time step or with a time that does not step by it, or
     * a static is empty.
     */
    double[][] derivedSteps(TableRows rows, int last, int[] horizons, TimeSteps times, Frequency frequency) {
        double[][] steps = calendarSteps(rows, last, horizons, times, frequency);
        if (steps == null) {
            return null;
        }
        int i = rows.inputSize();
        double[] x = rows.inputs();
        for (double[] step : steps) {
            for (int c : statics) {
                step[c] = x[last * i + c];
                if (Double.isNaN(step[c])) {
                    return null;
                }
            }
        }
        return steps;
    }

    /**
     * {@link #derivedSteps} but the statics (left 0: a stream gives them the series' values as it learns them): the
     * calendar inputs of the steps after row {@code last}, made from their times; null when they cannot be made so.
     */
    public double[][] calendarSteps(TableRows rows, int last, int[] horizons, TimeSteps times, Frequency frequency) {
        if (future == null || knownColumns || (calendar.length > 0 && (times == null || frequency == null))) {
            return null;
        }
        TimeSteps.Kind kind = calendar.length == 0 ? null : times.kind(rows, last);
        double[][] steps = new double[horizons.length][rows.inputSize()];
        for (int h = 0; h < horizons.length; h++) {
            if (calendar.length > 0) {
                double key = times.plus(rows.time(last), kind, frequency, horizons[h]);
                java.time.LocalDateTime time = Double.isNaN(key) ? null : times.localTime(key, kind);
                if (time == null) {
                    return null;
                }
                for (int f = 0; f < calendar.length; f++) {
                    double[] inputs = calendar[f].inputsAt(time);
                    steps[h][calendarFrom + 2 * f] = inputs[0];
                    steps[h][calendarFrom + 2 * f + 1] = inputs[1];
                }
            }
        }
        return steps;
    }

    /**
     * Checks that each static holds one value over rows [from, to) of one series (a change names the series, the
     * column and the two values with their times), and gives a row that leaves it empty (a future row, say) the
     * series' value.
     */
    void checkAndFill(TableRows rows, int from, int to, String source) {
        double[] x = rows.inputs();
        int i = rows.inputSize();
        for (int k = 0; k < statics.length; k++) {
            int c = statics[k];
            int first = -1;
            for (int r = from; r < to; r++) {
                double value = x[r * i + c];
                if (Double.isNaN(value)) {
                    continue;
                }
                if (first < 0) {
                    first = r;
                } else if (value != x[first * i + c]) {
                    throw new DataFormatError(source, "series " + rows.id(r) + ": static column '" + staticNames[k]
                            + "' changes within the series: " + describe(x, i, k, first) + " at " + rows.text(first)
                            + ", " + describe(x, i, k, r) + " at " + rows.text(r)
                            + " (--static-columns hold one value per series)");
                }
            }
            if (first >= 0) {
                for (int r = from; r < to; r++) {
                    if (Double.isNaN(x[r * i + c])) {
                        x[r * i + c] = x[first * i + c];
                    }
                }
            }
        }
    }

    /** What static input {@code k} says of row {@code r}: its number, or the category of its one-hot group. */
    private String describe(double[] x, int inputSize, int k, int r) {
        if (categories[k] == null) {
            double value = x[r * inputSize + statics[k]];
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
                    : String.valueOf(value);
        }
        for (int j = 0; j < statics.length; j++) {
            if (staticNames[j].equals(staticNames[k]) && x[r * inputSize + statics[j]] == 1.0) {
                return "'" + categories[j] + "'";
            }
        }
        return "a category the model never saw";
    }
}
