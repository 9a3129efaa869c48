package org.sparkrnn.driver.data.table;

import org.sparkrnn.data.GrowableDoubles;
import org.sparkrnn.data.GrowableInts;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.SeriesWindows;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.driver.config.MissingValues;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Cuts the rows of a long table into windows, on an executor: rows come in (series, time) order, one partition's
 * share of the sorted table, with the rows of the same series just before it ({@code before}, from the previous
 * partition) and just after it ({@code after}, from the next one) so that a window that starts in this share can read
 * on past its end, and a gap at its edge can be filled from both sides. A window belongs to the share its first row
 * is in, so every window is cut exactly once whatever the partitioning.
 *
 * <p>Per series: two rows with the same time are an error naming both; a value that is missing (NaN) is a gap:
 * {@code skip} drops every window that reads one, {@code interpolate} fills input gaps linearly between the nearest
 * known values of the series (a gap at the series' start or end takes the nearest known value); a target is never
 * filled, so no window is trained or scored on a value that was never observed. Windows start every
 * {@code stride} rows of their series, counted from its first row (the global row number of a series that began in
 * an earlier share is given). A window is held out for validation when the time of its first predicted step is at
 * or after {@code validateFrom}, or, with a hold-out fraction, by a seeded hash of its series and start time (so it
 * does not depend on the partitioning).
 *
 * <p>Spark-free: the source reads Spark rows into {@link TableRows}.
 */
public final class SeriesCutter implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * How windows are cut.
     *
     * @param validateFrom   a time key, or null
     * @param holdOut        share held out at random (0: none); ignored with validateFrom
     * @param source         what errors name (a file or a table)
     * @param scaling        each series' scale the windows are divided by ({@link SeriesWindows#scaledBy}), or
     *                       null: none
     * @param times          how the time keys step, or null (no time column)
     * @param frequency      the step from one row of a series to the next, or null (unknown: not checked)
     * @param strict         whether a series that skips a step is an error (the step was given), else a window across
     *                       the gap is left out
     * @param covariates     which inputs are known in advance and which are static ({@link SeriesCovariates}), or
     *                       null (none)
     * @param validateUntil  a time key after {@code validateFrom}: windows whose first predicted time is at or after
     *                       it are on neither side (one cutoff of a backtest); null: the hold-out runs to the end
     */
    record Spec(int inputSize, int targetWidth, int window, int stride, int[] horizons, MissingValues missing,
                Double validateFrom, double holdOut, long seed, String source, SeriesScaling scaling,
                TimeSteps times, Frequency frequency, boolean strict, SeriesCovariates covariates,
                Double validateUntil)
            implements Serializable {

        Spec(int inputSize, int targetWidth, int window, int stride, int[] horizons, MissingValues missing,
             Double validateFrom, double holdOut, long seed, String source, SeriesScaling scaling,
             TimeSteps times, Frequency frequency, boolean strict, SeriesCovariates covariates) {
            this(inputSize, targetWidth, window, stride, horizons, missing, validateFrom, holdOut, seed, source,
                    scaling, times, frequency, strict, covariates, null);
        }

        Spec(int inputSize, int targetWidth, int window, int stride, int[] horizons, MissingValues missing,
             Double validateFrom, double holdOut, long seed, String source, SeriesScaling scaling,
             TimeSteps times, Frequency frequency, boolean strict) {
            this(inputSize, targetWidth, window, stride, horizons, missing, validateFrom, holdOut, seed, source,
                    scaling, times, frequency, strict, null);
        }

        Spec {
            Objects.requireNonNull(horizons, "horizons");
            Objects.requireNonNull(missing, "missing");
            if (window < 1 || stride < 1 || horizons.length == 0) {
                throw new IllegalArgumentException("window, stride and horizons must be positive");
            }
        }

        int lastHorizon() {
            return horizons[horizons.length - 1];
        }

        /** Rows a window reads from its first: its steps and up to its last target. */
        int reach() {
            return window + lastHorizon();
        }
    }

    /**
     * What one share gives: its training and validation windows, the series that start in it, those too short
     * for one window, those the scaling does not know (their windows scaled by their own values) and those that skip
     * a time step (no window across the gap); and whose the windows are: {@code keys[k]}'s windows end before
     * {@code trainEnds[k]} and {@code validationEnds[k]} on each side (series in order, each once per share).
     */
    record Cut(SeriesWindows train, SeriesWindows validation, long series, long shortSeries, long unseenSeries,
               long gappedSeries, Object[] keys, int[] trainEnds, int[] validationEnds) implements Serializable {

        /** Each series' windows of one side in this share, keyed by the series. */
        List<Map.Entry<Object, SeriesWindows>> bySeries(boolean validationSide) {
            SeriesWindows windows = validationSide ? validation : train;
            int[] ends = validationSide ? validationEnds : trainEnds;
            List<Map.Entry<Object, SeriesWindows>> out = new ArrayList<>();
            for (int k = 0, from = 0; k < keys.length; from = ends[k], k++) {
                if (ends[k] > from) {
                    int[] which = new int[ends[k] - from];
                    for (int w = 0; w < which.length; w++) {
                        which[w] = from + w;
                    }
                    out.add(Map.entry(keys[k], windows.subset(which)));
                }
            }
            return out;
        }
    }

    private final Spec spec;

    SeriesCutter(Spec spec) {
        this.spec = spec;
    }

    /** This cutter, its windows divided by their series' scales ({@code scaling}; null: none). */
    SeriesCutter withScaling(SeriesScaling scaling) {
        return new SeriesCutter(new Spec(spec.inputSize(), spec.targetWidth(), spec.window(), spec.stride(),
                spec.horizons(), spec.missing(), spec.validateFrom(), spec.holdOut(), spec.seed(), spec.source(),
                scaling, spec.times(), spec.frequency(), spec.strict(), spec.covariates(), spec.validateUntil()));
    }

    /**
     * This cutter, checking that each series steps by {@code frequency} (null: not checked): a skipped step is an
     * error when {@code strict}, else the windows across it are left out.
     */
    SeriesCutter withSteps(TimeSteps times, Frequency frequency, boolean strict) {
        return new SeriesCutter(new Spec(spec.inputSize(), spec.targetWidth(), spec.window(), spec.stride(),
                spec.horizons(), spec.missing(), spec.validateFrom(), spec.holdOut(), spec.seed(), spec.source(),
                spec.scaling(), times, frequency, strict, spec.covariates(), spec.validateUntil()));
    }

    /**
     * The windows that start in {@code own}.
     *
     * @param before      rows of {@code own}'s first series from earlier shares (at least its last {@code reach}, in
     *                    order); empty when that series starts in {@code own}
     * @param own         this share's rows
     * @param after       rows of {@code own}'s last series from later shares (at least {@code reach} of them when
     *                    there are), in order
     * @param firstOffset the row number, within its series, of {@code own}'s first row (0 when the series starts here)
     * @param lastEnds    whether {@code own}'s last series ends within {@code after} (else it goes on beyond)
     */
    Cut cut(TableRows before, TableRows own, TableRows after, long firstOffset, boolean lastEnds) {
        return cut(extend(before, own, after), before.size(), own.size(), firstOffset, lastEnds);
    }

    /**
     * The windows that start in rows [b, b + n) of {@code rows}: the share's own rows, after {@code b} rows of its
     * first series from earlier shares and before the rows of its last series from later ones (as
     * {@link #cut(TableRows, TableRows, TableRows, long, boolean)} takes them apart).
     */
    Cut cut(TableRows rows, int b, int n, long firstOffset, boolean lastEnds) {
        int total = rows.size();
        double[] x = rows.inputs();
        double[] y = rows.targets();
        GrowableInts train = new GrowableInts();
        GrowableInts validation = new GrowableInts();
        GrowableDoubles trainScales = new GrowableDoubles();
        GrowableDoubles validationScales = new GrowableDoubles();
        List<Object> keys = new ArrayList<>();
        GrowableInts trainEnds = new GrowableInts();
        GrowableInts validationEnds = new GrowableInts();
        long seriesCount = 0;
        long shortSeries = 0;
        long unseenSeries = 0;
        long gappedSeries = 0;
        SeriesScaling scaling = spec.scaling();
        int[] gaps = gapsBefore(rows);
        for (int from = 0, to; from < total; from = to) {
            to = rows.seriesEnd(from);
            Object id = rows.id(from);
            int scaled = scaling == null ? -1 : scaling.indexOf(id); // the series' place in the scaling, or -1
            boolean known = scaling == null || scaled >= 0;
            // one series' rows [from, to); its row number at `from`, and whether it goes on beyond either end
            long seriesRowAtFrom = from == 0 ? firstOffset - b : 0;
            boolean openStart = seriesRowAtFrom > 0;
            boolean openEnd = to == total && !lastEnds;
            checkTimes(rows, from, to);
            if (spec.covariates() != null) {
                spec.covariates().checkAndFill(rows, from, to, spec.source());
            }
            if (spec.missing() == MissingValues.INTERPOLATE) {
                fillInputs(x, from, to, openStart, openEnd);
            }
            boolean startsInOwn = from >= b && from < b + n && seriesRowAtFrom == 0;
            int windows = 0;
            for (int s = Math.max(from, b); s < Math.min(to, b + n); s++) {
                if ((seriesRowAtFrom + s - from) % spec.stride() != 0 || s + spec.reach() - 1 >= to
                        || gaps[s + spec.reach() - 1] != gaps[s] || !readable(x, y, s)) {
                    continue;
                }
                windows++;
                double firstPredicted = rows.time(s + spec.window() - 1 + spec.horizons()[0]);
                if (spec.validateUntil() != null && firstPredicted >= spec.validateUntil()) {
                    continue; // after this cutoff's hold-out: on neither side
                }
                boolean held = isValidation(id, rows.time(s), firstPredicted);
                (held ? validation : train).add(s);
                if (scaling != null) {
                    (held ? validationScales : trainScales).add(scaling.scaleAt(scaled, x, s * spec.inputSize(),
                            spec.inputSize(), spec.window()));
                }
            }
            if (windows > 0) {
                keys.add(id);
                trainEnds.add(train.size());
                validationEnds.add(validation.size());
            }
            if (startsInOwn) {
                seriesCount++;
                unseenSeries += known ? 0 : 1;
                gappedSeries += gaps[to - 1] != gaps[from] ? 1 : 0;
                if (windows == 0 && !openEnd && to - from < spec.reach()) {
                    shortSeries++;
                }
            }
        }
        return new Cut(scaled(windowsAt(x, y, train.toArray()), trainScales),
                scaled(windowsAt(x, y, validation.toArray()), validationScales), seriesCount, shortSeries, unseenSeries, gappedSeries,
                keys.toArray(), trainEnds.toArray(), validationEnds.toArray());
    }

    /** {@code windows} divided each by its scale when the spec scales each series (else as they are). */
    private SeriesWindows scaled(SeriesWindows windows, GrowableDoubles scales) {
        return spec.scaling() == null ? windows : windows.scaledBy(scales.toArray());
    }

    /**
     * What prediction reads: every window that starts in {@code own} and whose inputs are whole, targets or not,
     * so the last window of each series, whose targets lie in the future, is there too (the forecast).
     */
    Inputs inputWindows(TableRows before, TableRows own, TableRows after, long firstOffset, boolean lastEnds) {
        return inputWindows(extend(before, own, after), before.size(), own.size(), firstOffset, lastEnds);
    }

    /** {@link #inputWindows(TableRows, TableRows, TableRows, long, boolean)} over rows read in one piece. */
    Inputs inputWindows(TableRows rows, int b, int n, long firstOffset, boolean lastEnds) {
        GrowableInts starts = new GrowableInts();
        GrowableInts ends = new GrowableInts();
        int[] gaps = gapsBefore(rows);
        for (int from = 0, to; from < rows.size(); from = to) {
            to = rows.seriesEnd(from);
            long seriesRowAtFrom = from == 0 ? firstOffset - b : 0;
            checkTimes(rows, from, to);
            if (spec.covariates() != null) {
                spec.covariates().checkAndFill(rows, from, to, spec.source());
            }
            if (spec.missing() == MissingValues.INTERPOLATE) {
                fillInputs(rows.inputs(), from, to, seriesRowAtFrom > 0, to == rows.size() && !lastEnds);
            }
            // with future rows (a decoder's), the rows after a series' last target are its future, not windows'
            // ends, even where interpolation filled their inputs
            boolean seriesEndsHere = to < rows.size() || lastEnds;
            int observed = future() != null && seriesEndsHere ? lastTarget(rows, from, to) + 1 : to;
            for (int s = Math.max(from, b); s < Math.min(to, b + n); s++) {
                if ((seriesRowAtFrom + s - from) % spec.stride() == 0 && s + spec.window() <= observed
                        && gaps[s + spec.window() - 1] == gaps[s] && inputsWhole(rows.inputs(), s)) {
                    starts.add(s);
                    ends.add(to);
                }
            }
        }
        return new Inputs(rows, starts.toArray(), ends.toArray(), gaps, spec);
    }

    /**
     * Windows' inputs over extended rows, with each window's series, the time of its last step, and its label where
     * the series has every target it predicts.
     *
     * @param ends the end (exclusive) of each window's series in the extended rows
     * @param gaps skipped time steps before each row ({@link #gapsBefore})
     */
    record Inputs(TableRows rows, int[] starts, int[] ends, int[] gaps, Spec spec) {
        /** Window k's steps, T × I. */
        double[][] steps(int k) {
            int inputSize = spec.inputSize();
            double[][] steps = new double[spec.window()][];
            for (int t = 0; t < spec.window(); t++) {
                int row = starts[k] + t;
                steps[t] = java.util.Arrays.copyOfRange(rows.inputs(), row * inputSize, (row + 1) * inputSize);
            }
            return steps;
        }

        Object id(int k) {
            return rows.id(starts[k]);
        }

        /** The time of window k's last step. */
        String time(int k) {
            return rows.text(starts[k] + spec.window() - 1);
        }

        /**
         * The times window k predicts, one per horizon (the last step's time plus h steps of the frequency), as the
         * table writes its times; null without a frequency.
         */
        String[] forecastTimes(int k) {
            Frequency f = spec.frequency();
            if (f == null || spec.times() == null) {
                return null;
            }
            int last = starts[k] + spec.window() - 1;
            TimeSteps.Kind kind = spec.times().kind(rows, last);
            int[] horizons = spec.horizons();
            String[] times = new String[horizons.length];
            for (int h = 0; h < horizons.length; h++) {
                double key = spec.times().plus(rows.time(last), kind, f, horizons[h]);
                times[h] = Double.isNaN(key) ? null : spec.times().text(key, kind, rows.text(last));
            }
            return times;
        }

        /**
         * Window k's future rows (H × I, the rows of the steps it predicts) as a forecast decoder reads them: its
         * known inputs, 0 for the others (the target and the series' own features, which it never reads and which
         * are unknown past the data). Where the series has no rows for them (it ends, or skips a step), a decoder
         * that reads only statics and the calendar has them made from their times
         * ({@link SeriesCovariates#derivedSteps}); null when they cannot be had, or one of them lacks a known input
         * (the forecast cannot be made).
         */
        double[][] future(int k) {
            int[] known = spec.covariates() == null ? null : spec.covariates().future();
            int[] horizons = spec.horizons();
            int last = starts[k] + spec.window() - 1;
            if (known == null) {
                return null;
            }
            if (last + horizons[horizons.length - 1] >= ends[k]
                    || gaps[last + horizons[horizons.length - 1]] != gaps[last]) {
                return spec.covariates().derivedSteps(rows, last, horizons, spec.times(), spec.frequency());
            }
            int inputSize = spec.inputSize();
            double[][] rowsAhead = new double[horizons.length][];
            for (int h = 0; h < horizons.length; h++) {
                int row = last + horizons[h];
                rowsAhead[h] = new double[inputSize];
                for (int c : known) {
                    rowsAhead[h][c] = rows.inputs()[row * inputSize + c];
                    if (Double.isNaN(rowsAhead[h][c])) {
                        return null;
                    }
                }
            }
            return rowsAhead;
        }

        /** How many steps after window k's last the series has rows for: what a missing future row message says. */
        int rowsAhead(int k) {
            return ends[k] - (starts[k] + spec.window());
        }

        /**
         * Window k's label (H × V values, horizon-major), or null when its series ends before its last target or
         * a target is missing: a window to forecast from, not to learn from.
         */
        double[] label(int k) {
            int v = spec.targetWidth();
            int[] horizons = spec.horizons();
            int last = starts[k] + spec.window() - 1;
            if (last + horizons[horizons.length - 1] >= ends[k]
                    || gaps[last + horizons[horizons.length - 1]] != gaps[last]) {
                return null;
            }
            double[] y = rows.targets();
            double[] label = new double[horizons.length * v];
            for (int h = 0; h < horizons.length; h++) {
                for (int j = 0; j < v; j++) {
                    label[h * v + j] = y[(last + horizons[h]) * v + j];
                    if (Double.isNaN(label[h * v + j])) {
                        return null;
                    }
                }
            }
            return label;
        }
    }

    /** The last row of [from, to) with every target there (from − 1: none). */
    private int lastTarget(TableRows rows, int from, int to) {
        double[] y = rows.targets();
        int v = spec.targetWidth();
        for (int r = to - 1; r >= from; r--) {
            boolean whole = true;
            for (int k = r * v; k < (r + 1) * v && whole; k++) {
                whole = !Double.isNaN(y[k]);
            }
            if (whole) {
                return r;
            }
        }
        return from - 1;
    }

    /** The rows at hand, before + own + after, in one piece. */
    private TableRows extend(TableRows before, TableRows own, TableRows after) {
        return TableRows.concat(own.inputSize(), own.targetWidth(), own.format(), List.of(before, own, after));
    }

    private boolean inputsWhole(double[] x, int s) {
        int i = spec.inputSize();
        for (int k = s * i; k < (s + spec.window()) * i; k++) {
            if (Double.isNaN(x[k])) {
                return false;
            }
        }
        return true;
    }

    private SeriesWindows windowsAt(double[] x, double[] y, int[] starts) {
        SeriesWindows windows = new SeriesWindows(spec.inputSize(), spec.targetWidth(), spec.window(),
                spec.horizons(), x, y, starts);
        int[] future = future();
        return (future == null ? windows : windows.withFuture(future)).subset(range(starts.length));
    }

    /** The inputs a decoder reads at each predicted step, or null (no future rows). */
    private int[] future() {
        return spec.covariates() == null ? null : spec.covariates().future();
    }

    private static int[] range(int n) {
        int[] all = new int[n];
        for (int k = 0; k < n; k++) {
            all[k] = k;
        }
        return all;
    }

    /** Times strictly increase within a series: a repeated time names the series and the time. */
    /**
     * For each row, how many skipped time steps lie between its series' rows up to it ({@code gaps[r] − gaps[s]}:
     * those between rows s and r of a series): a series must step by the frequency from row to row. A skipped step
     * is an error naming the series and the gap when the frequency was given; all 0 when there is no frequency.
     */
    private int[] gapsBefore(TableRows rows) {
        int[] gaps = new int[rows.size()];
        Frequency f = spec.frequency();
        if (f == null || spec.times() == null) {
            return gaps;
        }
        TimeSteps times = spec.times();
        for (int from = 0, to; from < rows.size(); from = to) {
            to = rows.seriesEnd(from);
            if (from > 0) {
                gaps[from] = gaps[from - 1];
            }
            TimeSteps.Kind kind = times.kind(rows, from); // what a series' times count: read once per series
            for (int r = from + 1; r < to; r++) {
                gaps[r] = gaps[r - 1];
                if (!(rows.time(r) > rows.time(r - 1))) {
                    continue; // equal or unordered times are the time check's to report
                }
                double next = times.plus(rows.time(r - 1), kind, f, 1);
                if (next == rows.time(r)) {
                    continue;
                }
                if (spec.strict()) {
                    throw new DataFormatError(spec.source(), "series " + rows.id(r) + " skips a step of --frequency "
                            + f.text() + ": after " + rows.text(r - 1) + " comes " + rows.text(r)
                            + (Double.isNaN(next) ? " (" + f.text() + " does not step through these times)"
                            : ", not " + times.text(next, kind, rows.text(r - 1))));
                }
                gaps[r]++;
            }
        }
        return gaps;
    }

    private void checkTimes(TableRows rows, int from, int to) {
        for (int r = from + 1; r < to; r++) {
            if (rows.time(r) == rows.time(r - 1)) {
                throw new DataFormatError(spec.source(), "two rows of series " + rows.id(r) + " have the time "
                        + rows.text(r) + "; a series has one row per time");
            }
            if (rows.time(r) < rows.time(r - 1)) {
                throw new IllegalStateException("rows of series " + rows.id(r) + " are not in time order at "
                        + rows.text(r));
            }
        }
    }

    /**
     * Whether the window from row {@code s} reads no gap: its inputs, its targets at every horizon, and there the
     * inputs a decoder reads.
     */
    private boolean readable(double[] x, double[] y, int s) {
        if (!inputsWhole(x, s)) {
            return false;
        }
        int v = spec.targetWidth();
        int[] future = future();
        for (int h : spec.horizons()) {
            int r = s + spec.window() - 1 + h;
            if (future != null) {
                for (int c : future) {
                    if (Double.isNaN(x[r * spec.inputSize() + c])) {
                        return false;
                    }
                }
            }
            for (int k = r * v; k < (r + 1) * v; k++) {
                if (Double.isNaN(y[k])) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Fills input gaps of rows [from, to) linearly between known values, feature by feature. At an edge of the
     * series (no row before {@code from}, or after {@code to}) a gap takes the nearest known value; at an edge that is
     * only the end of the rows at hand ({@code openStart}, {@code openEnd}: the series goes on in another share beyond
     * reach) it stays a gap, and windows that read it are dropped.
     */
    private void fillInputs(double[] x, int from, int to, boolean openStart, boolean openEnd) {
        int i = spec.inputSize();
        for (int f = 0; f < i; f++) {
            int previous = -1;
            for (int r = from; r < to; r++) {
                double value = x[r * i + f];
                if (Double.isNaN(value)) {
                    continue;
                }
                if (previous < 0 && r > from && !openStart) {
                    for (int g = from; g < r; g++) {
                        x[g * i + f] = value;
                    }
                } else if (previous >= 0 && r - previous > 1) {
                    for (int g = previous + 1; g < r; g++) {
                        double w = (double) (g - previous) / (r - previous);
                        x[g * i + f] = x[previous * i + f] * (1 - w) + value * w;
                    }
                }
                previous = r;
            }
            if (previous >= 0 && !openEnd) {
                for (int g = previous + 1; g < to; g++) {
                    x[g * i + f] = x[previous * i + f];
                }
            }
        }
    }

    private boolean isValidation(Object id, double startTime, double firstPredictedTime) {
        if (spec.validateFrom() != null) {
            return firstPredictedTime >= spec.validateFrom();
        }
        if (spec.holdOut() <= 0) {
            return false;
        }
        long key = Objects.hashCode(id) * 0x9E3779B97F4A7C15L + Double.hashCode(startTime);
        return new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + key).nextDouble() < spec.holdOut();
    }
}
