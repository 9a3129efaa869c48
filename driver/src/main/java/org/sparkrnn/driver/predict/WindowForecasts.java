package org.sparkrnn.driver.predict;

import org.sparkrnn.driver.data.stream.SeriesSteps;
import org.sparkrnn.driver.data.stream.WindowedSeries;
import org.sparkrnn.model.ModelWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A window model on a stream, forecasting where the series' state is: the windows a series' new rows complete
 * ({@link WindowedSeries}, the same windows {@code predict} cuts from the whole table) are predicted together, in
 * one batch per series and micro-batch, and each completing row gets its prediction columns. No window travels as a
 * row between the state and the model.
 */
final class WindowForecasts implements SeriesSteps<WindowedSeries> {
    private static final long serialVersionUID = 1L;

    private final ChunkedPredictor predictor;
    private final int inputs;
    private final int window;
    private final int stride;
    private final boolean keyed;
    private final String source;

    /** {@code keyed}: whether the model scales each series by its own scale, found by the series key. */
    WindowForecasts(ChunkedPredictor predictor, int inputs, int window, int stride, boolean keyed, String source) {
        this.predictor = predictor;
        this.inputs = inputs;
        this.window = window;
        this.stride = stride;
        this.keyed = keyed;
        this.source = source;
    }

    @Override
    public WindowedSeries start() {
        return new WindowedSeries(inputs, window, stride);
    }

    @Override
    public boolean takesGaps() {
        return true; // a gap completes no window, as in a batch
    }

    @Override
    public void take(ModelWeights model, WindowedSeries series, double[] x, int count, Emitter out) {
        List<double[][]> windows = new ArrayList<>();
        int[] completing = new int[count];
        for (int r = 0; r < count; r++) {
            double[][] completed = series.take(series.rows() + r, Arrays.copyOfRange(x, r * inputs,
                    (r + 1) * inputs));
            if (completed != null) {
                completing[windows.size()] = r;
                windows.add(completed);
            }
        }
        if (windows.isEmpty()) {
            return;
        }
        Object[][] values = predictor.windows(model, windows, keyed ? out.key(completing[0]) : null, source,
                k -> "series " + out.key(completing[k]) + ", the window ending at " + out.time(completing[k]));
        for (int k = 0; k < values.length; k++) {
            out.emit(completing[k], values[k]);
        }
    }
}
