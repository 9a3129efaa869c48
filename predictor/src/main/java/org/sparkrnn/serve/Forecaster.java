package org.sparkrnn.serve;

import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.kernel.ForwardResult;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
import org.sparkrnn.kernel.Precision;

import java.util.List;

/**
 * Forecasts from a trained model in a plain JVM (no Spark): windows of rows in, the same numbers {@code predict}
 * writes out (the same transforms, the same kernel, {@link ModelOutputs}). One forecaster per thread: it keeps its
 * kernel's workspace between calls.
 */
public final class Forecaster {

    private final ServedModel model;
    private final ModelOutputs outputs;
    private final double[] levels;
    private final NetworkKernel kernel;

    /**
     * @param levels    the quantiles a probabilistic model gives (a quantile model's among its trained levels; empty:
     *                  the point forecast only)
     * @param precision the kernel's arithmetic ({@code predict}'s {@code --precision})
     */
    public Forecaster(ServedModel model, double[] levels, Precision precision) {
        this.model = model;
        this.levels = levels.clone();
        org.sparkrnn.distribution.ForecastHead head = org.sparkrnn.distribution.ForecastHead.of(model.spec());
        if (head == null && levels.length > 0) {
            throw new IllegalArgumentException("loss " + model.spec().loss().cliName() + " gives no quantiles");
        }
        if (head != null) {
            head.checkLevels(levels);
        }
        this.outputs = ModelOutputs.of(model, levels);
        this.kernel = NetworkKernel.create(model.spec(), precision);
    }

    public ServedModel model() {
        return model;
    }

    /** Windows of a model that does not scale each series by a table (or of its one series). */
    public Forecasts forecast(List<double[][]> windows) {
        return forecast(windows, null, null);
    }

    /** The same, each window given as an argument: {@code forecast(lastRows)}. */
    public Forecasts forecast(double[][]... windows) {
        return forecast(java.util.Arrays.asList(windows));
    }

    /**
     * Each window's forecast: {@code windows.get(b)} is its rows (steps × I, in the data's units), {@code series}
     * their series keys (a model that scales each series; null otherwise, or for a model of one series; a key the
     * model never saw is scaled by its window's own mean absolute value), {@code future} the rows of the steps each
     * window predicts (a model with a forecast decoder: S × I each; null otherwise).
     */
    public Forecasts forecast(List<double[][]> windows, List<?> series, List<double[][]> future) {
        int inputs = model.spec().inputSize();
        boolean decoder = model.spec().hasDecoder();
        if (decoder != (future != null)) {
            throw new IllegalArgumentException(decoder ? "this model's forecast decoder reads the rows of the steps"
                    + " it predicts: pass them as future" : "this model has no forecast decoder: future is null");
        }
        int futureSteps = decoder ? model.spec().decoder().steps() : 0;
        SequenceBatch.Builder builder = decoder
                ? SequenceBatch.builder(inputs, LabelShape.PER_SEQUENCE, LabelKind.NONE, 0, futureSteps)
                : SequenceBatch.unlabelledBuilder(inputs);
        for (int b = 0; b < windows.size(); b++) {
            double[][] steps = check(windows.get(b), inputs, "window " + b);
            if (decoder) {
                double[][] rows = check(future.get(b), inputs, "window " + b + "'s future rows");
                if (rows.length != futureSteps) {
                    throw new IllegalArgumentException("window " + b + ": " + rows.length + " future rows, the"
                            + " decoder predicts " + futureSteps);
                }
                double[] flat = new double[futureSteps * inputs];
                for (int s = 0; s < futureSteps; s++) {
                    System.arraycopy(rows[s], 0, flat, s * inputs, inputs);
                }
                builder.addWithFuture(steps, flat);
            } else {
                builder.add(steps);
            }
        }
        SequenceBatch batch = builder.build();
        Object[] keys = series == null ? null : series.toArray();
        if (keys != null && keys.length != windows.size()) {
            throw new IllegalArgumentException(keys.length + " series keys for " + windows.size() + " windows");
        }
        double[] scales = outputs.seriesScales(batch, keys, null);
        OutputMode mode = model.perStep() ? OutputMode.EVERY_STEP : OutputMode.LAST_STEP;
        ForwardResult result = outputs.forward(kernel, model.params(), batch, scales, mode, null);
        int[] firstRow = new int[batch.size() + 1];
        for (int b = 0; b < batch.size(); b++) {
            firstRow[b + 1] = firstRow[b] + (model.perStep() ? batch.length(b) : 1);
        }
        return new Forecasts(result.outputs(), firstRow, model.spec().outputSize(), levels, model.classifies());
    }

    private static double[][] check(double[][] rows, int inputs, String what) {
        if (rows == null || rows.length == 0) {
            throw new IllegalArgumentException(what + " has no rows");
        }
        for (int t = 0; t < rows.length; t++) {
            if (rows[t].length != inputs) {
                throw new IllegalArgumentException(what + ", step " + t + ": " + rows[t].length + " inputs, the"
                        + " model reads " + inputs);
            }
            for (int j = 0; j < inputs; j++) {
                if (!Double.isFinite(rows[t][j])) {
                    throw new IllegalArgumentException(what + ", step " + t + " input " + j + " is " + rows[t][j]
                            + ", expected a finite number");
                }
            }
        }
        return rows;
    }
}
