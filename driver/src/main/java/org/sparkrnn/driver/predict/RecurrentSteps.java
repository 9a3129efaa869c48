package org.sparkrnn.driver.predict;

import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.driver.data.stream.SeriesSteps;
import org.sparkrnn.kernel.ForwardResult;
import org.sparkrnn.model.ModelWeights;

/**
 * A per-step model on a stream: a series' new rows run as one sequence from the recurrent state its earlier rows
 * left ({@link RecurrentSeries}), and every row gets the model's output at its step, the same as per-step prediction
 * over the series' whole prefix. A missing input cannot be stepped over (it is a bad row).
 */
final class RecurrentSteps implements SeriesSteps<RecurrentSeries> {
    private static final long serialVersionUID = 1L;

    private final ChunkedPredictor predictor;
    private final PredictionLayout layout;
    private final int inputs;

    /** {@code layout}: one step's columns (a per-sequence layout: a row is one step). */
    RecurrentSteps(ChunkedPredictor predictor, PredictionLayout layout, int inputs) {
        this.predictor = predictor;
        this.layout = layout;
        this.inputs = inputs;
    }

    @Override
    public RecurrentSeries start() {
        return new RecurrentSeries();
    }

    @Override
    public boolean takesGaps() {
        return false;
    }

    @Override
    public void take(ModelWeights model, RecurrentSeries series, double[] x, int count, Emitter out) {
        double[][] steps = new double[count][];
        for (int t = 0; t < count; t++) {
            steps[t] = java.util.Arrays.copyOfRange(x, t * inputs, (t + 1) * inputs);
        }
        SequenceBatch batch = SequenceBatch.unlabelledBuilder(inputs).add(steps).build();
        ForwardResult result = predictor.everyStep(model, batch, series.state(model.spec()));
        series.keep(result.finalState(), model.spec().layerCount());
        for (int t = 0; t < count; t++) {
            out.emit(t, layout.values(result.outputs(), t, 1));
        }
    }
}
