package org.sparkrnn.driver.data.stream;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What a stream keeps of one series for a model with a forecast decoder: the rows from the first step of the next
 * window it may forecast on, each with its series row number, time, and the times its forecast would predict. A
 * window of T rows ending at row e is forecast once the S rows after it are held (the decoder reads what is known
 * of them in advance), or once row e is when those steps are made from their times (a decoder that reads only the
 * statics and the calendar), as batch prediction forecasts it from the whole table. Rows that lack an input after the
 * series' last whole row are its future: a later row at such a row's time fills it in (its target has come), and
 * the windows it completes follow. A row that leaves a static empty takes the series' value, as in a batch.
 */
final class ForecastSeries extends StreamedSeries {
    private static final long serialVersionUID = 1L;

    /**
     * A held row: its number in the series, time, the times it would predict, inputs, and the steps after it made
     * from their times (the calendar inputs, the statics left to the series), or null when only rows can give them.
     * (A record: state written before {@code stepsAfter} existed reads back with it null.)
     */
    record Held(long number, double time, String text, String[] forecastTimes, double[] inputs,
                double[][] stepsAfter) implements Serializable {
    }

    /** A window ready to forecast: its last row, its T rows' inputs and the S rows' after it. */
    record Ready(Held last, double[][] window, double[][] future) {
    }

    private final int window;
    private final int stride;
    private final int steps;
    private final int[] known;
    private final int[] statics;
    private final double[] staticValues; // the series' statics, once a row has them (NaN before)
    private final List<Held> held = new ArrayList<>();
    private long nextEnd = -1; // the row number of the next window end to decide; -1: the first one possible

    ForecastSeries(int window, int stride, int steps, int[] known, int[] statics) {
        this.window = window;
        this.stride = stride;
        this.steps = steps;
        this.known = known.clone();
        this.statics = statics.clone();
        this.staticValues = new double[statics.length];
        java.util.Arrays.fill(staticValues, Double.NaN);
    }

    void append(Held row) {
        withStatics(row.inputs());
        held.add(row);
    }

    /** Fills a row's empty statics with the series' (in place), and learns them from a row that has them. */
    private void withStatics(double[] inputs) {
        for (int k = 0; k < statics.length; k++) {
            double value = inputs[statics[k]];
            if (Double.isNaN(value)) {
                inputs[statics[k]] = staticValues[k];
            } else {
                staticValues[k] = value;
            }
        }
    }

    /** Whether a row at {@code time} fills in a held future row (one after the last whole row, at that time). */
    boolean fills(double time) {
        int at = indexAt(time);
        return at > lastWhole();
    }

    void fill(double time, double[] inputs) {
        int at = indexAt(time);
        Held old = held.get(at);
        double[] filled = inputs.clone();
        withStatics(filled);
        held.set(at, new Held(old.number(), old.time(), old.text(), old.forecastTimes(), filled,
                old.stepsAfter()));
    }

    /**
     * The windows now ready, in order: each whole, starting on a stride, with the known inputs of the S rows after
     * it there, or made from their times (its last row's {@link Held#stepsAfter}, with the series' statics: the same
     * inputs those rows give). A window that reads a gap, or whose rows after it lack a known input, is passed over;
     * one that reaches a future row, or the S rows after it of which have not come (and cannot be made), waits.
     */
    List<Ready> ready() {
        List<Ready> out = new ArrayList<>();
        if (held.isEmpty()) {
            return out;
        }
        long first = held.get(0).number();
        nextEnd = Math.max(nextEnd, first + window - 1);
        int lastWhole = lastWhole();
        while (true) {
            int end = (int) (nextEnd - first);
            double[][] made = end < 0 || end >= held.size() ? null : held.get(end).stepsAfter();
            if (end > lastWhole || (made == null && end + steps >= held.size())) {
                break; // a future row in the window, or the rows after it not all here yet
            }
            int start = end - window + 1;
            if (held.get(start).number() % stride == 0 && whole(start, end) && (made != null || knownAfter(end))) {
                double[][] inputs = new double[window][];
                for (int t = 0; t < window; t++) {
                    inputs[t] = held.get(start + t).inputs().clone();
                }
                double[][] future = new double[steps][];
                for (int s = 0; s < steps; s++) {
                    if (made != null) {
                        future[s] = made[s].clone();
                        for (int c : statics) {
                            future[s][c] = inputs[window - 1][c];
                        }
                        continue;
                    }
                    future[s] = new double[inputs[0].length];
                    for (int c : known) {
                        future[s][c] = held.get(end + 1 + s).inputs()[c];
                    }
                }
                out.add(new Ready(held.get(end), inputs, future));
            }
            nextEnd++;
        }
        // what no later window reads: the rows before the next window's first
        int keep = (int) Math.max(0, nextEnd - first - (window - 1));
        held.subList(0, Math.min(keep, held.size())).clear();
        return out;
    }

    /** No window reaches back past a skipped time step: the held rows are forgotten. */
    @Override
    void restart() {
        held.clear();
        nextEnd = -1;
    }

    private int indexAt(double time) {
        for (int k = held.size() - 1; k >= 0; k--) {
            if (held.get(k).time() == time) {
                return k;
            }
        }
        return -1;
    }

    private int lastWhole() {
        for (int k = held.size() - 1; k >= 0; k--) {
            if (whole(k, k)) {
                return k;
            }
        }
        return -1;
    }

    private boolean whole(int from, int to) {
        for (int k = from; k <= to; k++) {
            for (double v : held.get(k).inputs()) {
                if (Double.isNaN(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean knownAfter(int end) {
        for (int s = 1; s <= steps; s++) {
            for (int c : known) {
                if (Double.isNaN(held.get(end + s).inputs()[c])) {
                    return false;
                }
            }
        }
        return true;
    }
}
