package org.sparkrnn.driver.data.stream;

import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.model.ModelWeights;

import java.util.Arrays;

/**
 * A stream of long-table rows to the windows a model with a forecast decoder forecasts ({@link ForecastSeries}):
 * each window once the S rows after it have come (once its last row has, when those steps are made from their times), with the columns batch prediction reads (the series key,
 * {@code time} of the window's last step, {@code forecast_time}, the window's steps and its future rows). A row at a
 * held future row's time fills it in.
 */
final class ForecastWindows implements SeriesSteps<ForecastSeries> {
    private static final long serialVersionUID = 1L;

    private final int inputs;
    private final int window;
    private final int stride;
    private final int steps;
    private final int[] known;
    private final int[] statics;

    ForecastWindows(TableLayout layout) {
        this.inputs = layout.inputColumns().size();
        this.window = layout.window();
        this.stride = layout.stride();
        this.steps = layout.horizons().length;
        this.known = layout.knownInputs().stream().mapToInt(Integer::intValue).toArray();
        this.statics = java.util.stream.IntStream.range(layout.staticFrom(), layout.staticFrom()
                + layout.staticInputColumns().size()).toArray();
    }

    @Override
    public ForecastSeries start() {
        return new ForecastSeries(window, stride, steps, known, statics);
    }

    @Override
    public boolean takesGaps() {
        return true; // a gap completes no window, as in a batch; a future row lacks its target
    }

    @Override
    public boolean fills(ForecastSeries series, double time) {
        return series.fills(time);
    }

    @Override
    public void fill(ForecastSeries series, double time, double[] x) {
        series.fill(time, x);
    }

    @Override
    public void take(ModelWeights model, ForecastSeries series, double[] x, int count, Emitter out) {
        for (int r = 0; r < count; r++) {
            series.append(new ForecastSeries.Held(series.rows() + r, out.timeKey(r), out.time(r),
                    out.forecastTimes(r), Arrays.copyOfRange(x, r * inputs, (r + 1) * inputs), out.stepsAfter(r)));
        }
        for (ForecastSeries.Ready ready : series.ready()) {
            out.emitFor(ready.last().text(), ready.last().forecastTimes(), rows(ready.window()),
                    rows(ready.future()));
        }
    }

    /** An array of arrays as an encoded row takes it: Scala sequences, the outer and each row. */
    private static Object rows(double[][] rows) {
        Object[] wrapped = new Object[rows.length];
        for (int t = 0; t < rows.length; t++) {
            wrapped[t] = scala.Predef$.MODULE$.wrapDoubleArray(rows[t]);
        }
        return scala.Predef$.MODULE$.wrapRefArray(wrapped);
    }
}
