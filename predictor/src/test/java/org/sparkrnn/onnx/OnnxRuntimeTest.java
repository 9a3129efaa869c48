package org.sparkrnn.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.Decoder;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.serve.Forecaster;
import org.sparkrnn.serve.Forecasts;
import org.sparkrnn.serve.ServedModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every architecture and transform the command line can train, exported to ONNX and run by ONNX Runtime, against the
 * Spark-free {@link Forecaster} (the code {@code predict} runs, float64) on windows of real data (Mauna Loa CO2, the
 * bundled {@code data/co2-by-year.csv}: the level and its seasonal covariate, the weeks measured) of several lengths in one batch. Equal
 * to 1e-5 of each value's size (ONNX Runtime computes in float32).
 */
class OnnxRuntimeTest {

    private static OrtEnvironment env;
    private static List<double[]> rows;   // co2, season
    private static List<String> years;

    @BeforeAll
    static void load() throws IOException {
        env = OrtEnvironment.getEnvironment();
        rows = new ArrayList<>();
        years = new ArrayList<>();
        List<String> lines = Files.readAllLines(Path.of("../data/co2-by-year.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f[2].isEmpty()) {
                continue; // a week without a measurement
            }
            years.add(f[0]);
            rows.add(new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
        }
    }

    @AfterAll
    static void close() {
        // the environment is a process singleton: nothing to close
    }

    private static final int[] LENGTHS = {24, 17, 24, 9, 1, 20};
    private static final int[] STARTS = {0, 400, 977, 1500, 2000, 2190};

    /** Windows of {@link #LENGTHS} steps from the CO2 rows, the first {@code inputs} columns. */
    private static List<double[][]> windows(int inputs) {
        List<double[][]> out = new ArrayList<>();
        for (int b = 0; b < LENGTHS.length; b++) {
            double[][] w = new double[LENGTHS[b]][];
            for (int t = 0; t < w.length; t++) {
                w[t] = java.util.Arrays.copyOf(rows.get(STARTS[b] + t), inputs);
            }
            out.add(w);
        }
        return out;
    }

    private static ServedModel model(NetworkSpec spec, long seed, Standardization standardization,
                                     WindowTransform transform, SeriesScaling series, boolean perStep) {
        double[] params = Initializer.initialize(new ParameterLayout(spec),
                InitOptions.defaults().withSeed(seed));
        for (int j = 0; j < params.length; j++) {
            params[j] *= 2.5; // weights well away from zero: every gate matters
        }
        return new ServedModel(spec, params, standardization, transform, series, perStep);
    }

    private static NetworkSpec spec(int inputs, List<LayerSpec> layers, int outputs, Loss loss,
                                    boolean bidirectional, Pooling pooling) {
        return new NetworkSpec(inputs, layers, outputs, loss, bidirectional, 0.25, pooling);
    }

    private static Standardization standardization(boolean targets) {
        double[] mean = {350.0, 0.0};
        double[] std = {25.0, 2.1};
        return new Standardization(mean, std, targets ? new double[] {351.5} : null,
                targets ? new double[] {24.0} : null);
    }

    @Test
    void everyCellStackDirectionAndPoolingMatchesTheForecaster() throws Exception {
        List<LayerSpec> cells = List.of(LayerSpec.lstm(7), LayerSpec.gru(6), LayerSpec.rnn(5, Activation.TANH),
                LayerSpec.rnn(4, Activation.IDENTITY));
        long seed = 1;
        for (LayerSpec cell : cells) {
            for (boolean bidirectional : new boolean[] {false, true}) {
                for (Pooling pooling : Pooling.values()) {
                    NetworkSpec spec = spec(2, List.of(cell, LayerSpec.lstm(3)), 1, Loss.MSE, bidirectional,
                            pooling);
                    check(model(spec, seed++, standardization(true), WindowTransform.NONE, null, false),
                            new double[0], cell.cell() + (bidirectional ? " bidirectional" : "") + " " + pooling);
                }
            }
        }
    }

    @Test
    void mixedStacksSeveralOutputsAndPerStepModels() throws Exception {
        NetworkSpec mixed = spec(2, List.of(LayerSpec.gru(6), LayerSpec.rnn(5, Activation.TANH), LayerSpec.lstm(4)),
                3, Loss.MSE, true, Pooling.LAST);
        check(model(mixed, 11, standardization(false), WindowTransform.NONE, null, false), new double[0],
                "gru-rnn-lstm, 3 outputs");
        NetworkSpec perStep = spec(2, List.of(LayerSpec.lstm(6)), 2, Loss.MSE, true, Pooling.LAST);
        check(model(perStep, 12, null, WindowTransform.NONE, null, true), new double[0], "per step");
        NetworkSpec oneInput = spec(1, List.of(LayerSpec.gru(5)), 1, Loss.MSE, false, Pooling.MEAN);
        check(model(oneInput, 13, null, WindowTransform.NONE, null, false), new double[0], "one input, as it is");
    }

    @Test
    void classifiersGiveTheirProbabilitiesAndClass() throws Exception {
        for (boolean perStep : new boolean[] {false, true}) {
            NetworkSpec spec = spec(2, List.of(LayerSpec.lstm(6)), 3, Loss.CROSS_ENTROPY, false, Pooling.MAX);
            check(model(spec, 21, standardization(false), WindowTransform.NONE, null, perStep), new double[0],
                    "classifier" + (perStep ? " per step" : ""));
        }
    }

    @Test
    void everyWindowTransformAndEachSeriesOwnScale() throws Exception {
        SeriesScaling series = new SeriesScaling("year", new String[] {"1958", "1991", "2001"},
                new double[] {315.0, 355.5, 371.2});
        long seed = 31;
        for (WindowTransform transform : WindowTransform.values()) {
            for (SeriesScaling scaling : new SeriesScaling[] {null, series}) {
                NetworkSpec spec = spec(2, List.of(LayerSpec.lstm(6), LayerSpec.gru(4)), 2, Loss.MSE, false,
                        Pooling.LAST);
                check(model(spec, seed++, standardization(false), transform, scaling, false), new double[0],
                        transform + (scaling == null ? "" : ", series scaled"));
            }
        }
    }

    @Test
    void quantileAndGaussianHeadsGiveTheirQuantiles() throws Exception {
        NetworkSpec quantile = spec(2, List.of(LayerSpec.lstm(6)), 2, Loss.MSE, false, Pooling.LAST)
                .withLoss(Loss.QUANTILE, List.of(0.1, 0.5, 0.9));
        check(model(quantile, 41, standardization(true).withoutTargets(), WindowTransform.WINDOW_FROM_LAST, null,
                false), new double[] {0.1, 0.5, 0.9}, "quantile");
        check(model(quantile, 42, null, WindowTransform.RELATIVE_TO_LAST, null, false), new double[] {0.9, 0.1},
                "quantile, two levels");
        NetworkSpec gaussian = spec(2, List.of(LayerSpec.gru(6)), 1, Loss.GAUSSIAN, false, Pooling.MEAN);
        check(model(gaussian, 43, standardization(false), WindowTransform.WINDOW, null, false),
                new double[] {0.05, 0.5, 0.95}, "gaussian");
    }

    @Test
    void aForecastDecoderReadsTheKnownInputsOfTheStepsItPredicts() throws Exception {
        NetworkSpec spec = spec(2, List.of(LayerSpec.lstm(6)), 3, Loss.MSE, true, Pooling.LAST)
                .withDecoder(new Decoder(5, 3, List.of(1)));
        check(model(spec, 51, standardization(false), WindowTransform.RELATIVE_TO_LAST, null, false),
                new double[0], "decoder");
        NetworkSpec quantiles = new NetworkSpec(2, List.of(LayerSpec.gru(5)), 2, Loss.QUANTILE, false, 0,
                Pooling.LAST, new Decoder(4, 2, List.of(1, 0)), List.of(0.25, 0.5, 0.75));
        SeriesScaling series = new SeriesScaling("year", new String[] {"1991"}, new double[] {355.5});
        check(model(quantiles, 52, standardization(false), WindowTransform.WINDOW, series, false),
                new double[] {0.25, 0.75}, "decoder, quantiles, series scaled");
    }

    @Test
    void headsOnnxCannotExpressAreRefusedNamingThem() {
        NetworkSpec t = spec(2, List.of(LayerSpec.lstm(4)), 1, Loss.STUDENT_T, false, Pooling.LAST);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.write(model(t, 61, null, WindowTransform.NONE, null, false), new double[] {0.5}));
        assertTrue(e.getMessage().contains("student-t"), e.getMessage());
    }

    /** ONNX Runtime's outputs of {@code model}'s export against the forecaster's, window by window. */
    private void check(ServedModel model, double[] levels, String what) throws Exception {
        NetworkSpec spec = model.spec();
        int inputs = spec.inputSize();
        List<double[][]> windows = windows(inputs);
        List<String> keys = new ArrayList<>();
        for (int b = 0; b < windows.size(); b++) {
            keys.add(years.get(STARTS[b] + LENGTHS[b] - 1));
        }
        List<double[][]> future = null;
        if (spec.hasDecoder()) {
            future = new ArrayList<>();
            for (int b = 0; b < windows.size(); b++) {
                double[][] f = new double[spec.decoder().steps()][];
                for (int s = 0; s < f.length; s++) {
                    f[s] = java.util.Arrays.copyOf(rows.get(STARTS[b] + LENGTHS[b] + s), inputs);
                }
                future.add(f);
            }
        }
        Forecasts expected = new Forecaster(model, levels, Precision.FLOAT64)
                .forecast(windows, model.seriesScaling() == null ? null : keys, future);

        int batch = windows.size();
        int steps = java.util.Arrays.stream(LENGTHS).max().orElseThrow();
        float[][][] x = new float[batch][steps][inputs];
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = windows.get(b).length;
            for (int t = 0; t < steps; t++) {
                for (int j = 0; j < inputs; j++) { // padding: a large value that must never be read
                    x[b][t][j] = t < lengths[b] ? (float) windows.get(b)[t][j] : 1e4f;
                }
            }
        }
        Map<String, OnnxTensor> feeds = new HashMap<>();
        feeds.put("input", OnnxTensor.createTensor(env, x));
        feeds.put("sequence_lens", OnnxTensor.createTensor(env, lengths));
        if (model.seriesScaling() != null) {
            float[] scale = new float[batch];
            for (int b = 0; b < batch; b++) {
                int k = model.seriesScaling().indexOf(keys.get(b));
                scale[b] = k < 0 ? 0 : (float) model.seriesScaling().scale(k);
            }
            feeds.put("series_scale", OnnxTensor.createTensor(env, scale));
        }
        if (future != null) {
            float[][][] f = new float[batch][spec.decoder().steps()][inputs];
            for (int b = 0; b < batch; b++) {
                for (int s = 0; s < f[b].length; s++) {
                    for (int j = 0; j < inputs; j++) {
                        f[b][s][j] = (float) future.get(b)[s][j];
                    }
                }
            }
            feeds.put("future", OnnxTensor.createTensor(env, f));
        }
        byte[] onnx = OnnxExport.write(model, levels);
        int compared = 0;
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
             OrtSession.Result result = session.run(feeds)) {
            int values = spec.outputSize();
            for (int b = 0; b < batch; b++) {
                int rowsOf = model.perStep() ? lengths[b] : 1;
                for (int t = 0; t < rowsOf; t++) {
                    double[] want = expected.point(b, t);
                    for (int v = 0; v < values; v++) {
                        double got;
                        if (model.classifies()) {
                            got = at(result.get("probability").orElseThrow(), b, model.perStep() ? t : -1, v, -1);
                        } else {
                            got = at(result.get("prediction").orElseThrow(), b, model.perStep() ? t : -1,
                                    values == 1 ? -1 : v, -1);
                        }
                        assertClose(want[v], got, what + ", window " + b + " step " + t + " value " + v);
                        compared++;
                    }
                    if (model.classifies()) {
                        double cls = at(result.get("prediction").orElseThrow(), b, model.perStep() ? t : -1, -1, -1);
                        double[] p = expected.point(b, t);
                        int best = 0;
                        for (int j = 1; j < p.length; j++) {
                            best = p[j] > p[best] ? j : best;
                        }
                        assertEquals(best, cls, what + ": the most probable class of window " + b);
                    }
                }
                for (int k = 0; k < levels.length; k++) {
                    double[] want = expected.quantile(b, k);
                    for (int v = 0; v < values; v++) {
                        double got = at(result.get("quantiles").orElseThrow(), b, -1, v, k);
                        assertClose(want[v], got, what + ", window " + b + " level " + levels[k] + " value " + v);
                        compared++;
                    }
                }
            }
        } finally {
            for (OnnxTensor tensor : feeds.values()) {
                tensor.close();
            }
        }
        assertTrue(compared >= batch, what + ": compared " + compared);
    }

    /** One float of an ONNX Runtime output: index -1 skips that axis. */
    private static double at(OnnxValue value, int b, int t, int v, int k) throws Exception {
        Object o = value.getValue();
        o = java.lang.reflect.Array.get(o, b);
        for (int index : new int[] {t, v, k}) {
            if (index >= 0) {
                o = java.lang.reflect.Array.get(o, index);
            }
        }
        return ((Number) o).doubleValue();
    }

    private static void assertClose(double want, double got, String what) {
        double tolerance = 1e-5 * Math.max(1, Math.abs(want));
        assertTrue(Math.abs(want - got) <= tolerance, what + ": ONNX Runtime " + got + ", the forecaster " + want
                + " (difference " + Math.abs(want - got) + ")");
    }
}
