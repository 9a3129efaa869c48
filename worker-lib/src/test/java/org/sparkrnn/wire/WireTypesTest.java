package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.testing.RandomBatches;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kryo round trips of every wire type with registration required, as Spark will be configured. */
@Tag("every-spark-line")
class WireTypesTest {

    private static final NetworkSpec SPEC = new NetworkSpec(3,
            List.of(LayerSpec.lstm(4), LayerSpec.rnn(2, Activation.IDENTITY)), 3, Loss.CROSS_ENTROPY);

    static Kryo strictKryo() {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        WireTypes.registerAll(kryo);
        return kryo;
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(Kryo kryo, T value) {
        Output out = new Output(256, -1);
        kryo.writeClassAndObject(out, value);
        return (T) kryo.readClassAndObject(new Input(out.toBytes()));
    }

    @Test
    void everyWireTypeSurvivesARoundTripExactly() {
        Kryo kryo = strictKryo();
        assertEquals(SPEC, roundTrip(kryo, SPEC));

        double[] params = Initializer.initialize(new ParameterLayout(SPEC), InitOptions.defaults());
        ModelWeights weights = roundTrip(kryo, new ModelWeights(SPEC, params));
        assertEquals(SPEC, weights.spec());
        assertArrayEquals(params, weights.params());

        for (LabelShape shape : LabelShape.values()) {
            SequenceBatch classes = RandomBatches.of(SPEC, new int[] {3, 1, 4}, shape, 0.5, 1);
            assertEquals(classes, roundTrip(kryo, classes));
            NetworkSpec regression = new NetworkSpec(3, List.of(LayerSpec.lstm(2)), 2, Loss.MSE);
            SequenceBatch values = RandomBatches.of(regression, new int[] {2, 5}, shape, 0.5, 2);
            assertEquals(values, roundTrip(kryo, values));
        }

        SequenceBatch tokens = SequenceBatch.tokenBuilder(4, LabelShape.PER_STEP, org.sparkrnn.data.LabelKind.CLASSES, 1)
                .addTokensPerStep(new int[] {0, 3, 2}, new int[] {3, SequenceBatch.UNLABELLED, 1}).build();
        assertEquals(tokens, roundTrip(kryo, tokens));
        SequenceBatch unlabelled = SequenceBatch.unlabelledBuilder(2).add(new double[][] {{1, 2}}).build();
        assertEquals(unlabelled, roundTrip(kryo, unlabelled));

        GradientAccumulator empty = roundTrip(kryo, new GradientAccumulator());
        assertTrue(empty.isEmpty());
        GradientAccumulator acc = new GradientAccumulator();
        NetworkKernel.create(SPEC, Precision.FLOAT64)
                .accumulate(params, RandomBatches.of(SPEC, new int[] {3, 2}, LabelShape.PER_STEP, 0.2, 3), acc);
        GradientAccumulator back = roundTrip(kryo, acc);
        assertArrayEquals(acc.gradient(), back.gradient());
        assertEquals(acc.lossSum(), back.lossSum(), 0);
        assertEquals(acc.count(), back.count());
        assertEquals(acc.sequences(), back.sequences());
        assertEquals(acc.layoutFingerprint(), back.layoutFingerprint());
        back.merge(acc); // still mergeable: same layout after the trip

        assertArrayEquals(new double[] {1, 2}, roundTrip(kryo, new double[] {1, 2}));
        org.sparkrnn.data.SeriesWindows windows = new org.sparkrnn.data.SeriesWindows(2, 1, 2, new int[] {1, 2},
                new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, new double[] {1, 2, 3, 4, 5}, new int[] {0, 1});
        assertEquals(windows, roundTrip(kryo, windows));
        double[] column = {1, 2, 3, 4, 5};
        org.sparkrnn.data.SeriesWindows oneColumn = roundTrip(kryo, new org.sparkrnn.data.SeriesWindows(1, 1, 2,
                new int[] {1}, column, column, new int[] {0, 1, 2}));
        assertTrue(oneColumn.featureRows() == oneColumn.targetRows(), "one column sent once, shared again");
        org.sparkrnn.data.SeriesWindows perSeries = windows.scaledBy(new double[] {2, 0.5});
        org.sparkrnn.data.SeriesWindows perSeriesBack = roundTrip(kryo, perSeries);
        assertEquals(perSeries, perSeriesBack);
        assertArrayEquals(new double[] {2, 0.5}, perSeriesBack.labelScales(0, 1));
        assertEquals(perSeries.all(), perSeriesBack.all());

        // windows scaled as they are made, over stored series or over a batch of windows: the same windows back
        NetworkSpec one = new NetworkSpec(3, List.of(LayerSpec.lstm(2)), 2, Loss.MSE);
        SequenceBatch batchOfWindows = RandomBatches.of(one, new int[] {4, 3}, LabelShape.PER_SEQUENCE, 1.0, 3);
        for (org.sparkrnn.data.SequenceBlock inner : List.<org.sparkrnn.data.SequenceBlock>of(windows,
                batchOfWindows)) {
            org.sparkrnn.data.TransformedWindows scaled = new org.sparkrnn.data.TransformedWindows(inner,
                    org.sparkrnn.data.WindowTransform.WINDOW_FROM_LAST, null);
            org.sparkrnn.data.TransformedWindows scaledBack = roundTrip(kryo, scaled);
            assertEquals(scaled.select(0, 1), scaledBack.select(0, 1));
            assertArrayEquals(scaled.labelScales(0, 1), scaledBack.labelScales(0, 1));
        }

        // evaluation sums, with and without the sums per value of a label
        org.sparkrnn.evaluate.EvaluationSums plain = org.sparkrnn.evaluate.EvaluationSums.of(1.5, 2, 3.5, 4.5, 5, 6, 7);
        org.sparkrnn.evaluate.EvaluationSums plainBack = roundTrip(kryo, plain);
        assertEquals(plain.squaredError(), plainBack.squaredError());
        assertEquals(plain.labelledSteps(), plainBack.labelledSteps());
        assertEquals(null, plainBack.squaredByValue());
        org.sparkrnn.evaluate.EvaluationSums perValue = org.sparkrnn.evaluate.EvaluationSums.of(1.5, 2, 3.5, 4.5, 5,
                6, 7, new double[] {1, 2}, new double[] {3, 4}, new long[] {5, 6});
        org.sparkrnn.evaluate.EvaluationSums perValueBack = roundTrip(kryo, perValue);
        assertArrayEquals(perValue.squaredByValue(), perValueBack.squaredByValue());
        assertArrayEquals(perValue.absoluteByValue(), perValueBack.absoluteByValue());
        assertArrayEquals(perValue.countByValue(), perValueBack.countByValue());
        assertEquals(perValue.lossSum(), perValueBack.lossSum());
    }

    @Test
    void float32WireCarriesWhatAFloat32KernelComputesWithHalfTheBytes() {
        Kryo kryo = strictKryo();
        double[] params = Initializer.initialize(new ParameterLayout(SPEC), InitOptions.defaults());
        ModelWeights sent = roundTrip(kryo, new ModelWeights(SPEC, params).withFloatWire());
        assertTrue(sent.floatWire());
        for (int j = 0; j < params.length; j++) {
            assertEquals((float) params[j], sent.params()[j], 0.0, "weights arrive as their float values");
        }
        // a float32 kernel computes exactly the same from them
        SequenceBatch batch = RandomBatches.of(SPEC, new int[] {4, 2}, LabelShape.PER_STEP, 0.3, 9);
        GradientAccumulator a = new GradientAccumulator().useFloatWire();
        NetworkKernel.create(SPEC, Precision.FLOAT32).accumulate(params, batch, a);
        GradientAccumulator b = new GradientAccumulator().useFloatWire();
        NetworkKernel.create(SPEC, Precision.FLOAT32).accumulate(sent.params(), batch, b);
        assertArrayEquals(a.gradient(), b.gradient());
        // and its gradient (one batch: exactly a float vector) survives the float wire exactly
        GradientAccumulator back = roundTrip(kryo, a);
        assertTrue(back.floatWire());
        assertArrayEquals(a.gradient(), back.gradient());
        assertEquals(a.lossSum(), back.lossSum(), 0.0);

        Output wide = new Output(1 << 12, -1);
        kryo.writeClassAndObject(wide, new ModelWeights(SPEC, params));
        Output narrow = new Output(1 << 12, -1);
        kryo.writeClassAndObject(narrow, new ModelWeights(SPEC, params).withFloatWire());
        assertTrue(narrow.total() < 0.6 * wide.total(), narrow.total() + " vs " + wide.total() + " bytes");
    }

    @Test
    void anEmptyAccumulatorIsTinyOnTheWire() {
        Output out = new Output(256, -1);
        strictKryo().writeClassAndObject(out, new GradientAccumulator());
        assertTrue(out.total() < 32, "empty accumulator takes " + out.total() + " bytes");
    }

    @Test
    void anUnregisteredTypeFails() {
        assertThrows(IllegalArgumentException.class, () -> roundTrip(strictKryo(), new java.util.ArrayList<>()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> roundTrip(strictKryo(), List.of(SPEC)));
        assertTrue(e.getMessage().contains("Class is not registered"), e.getMessage());
    }

    /** Spark's default serializer is Java serialization: the wire types travel there too, in the same forms. */
    @Test
    void theWireTypesAlsoSurviveJavaSerialization() throws Exception {
        NetworkSpec spec = new NetworkSpec(3, List.of(LayerSpec.lstm(4), LayerSpec.rnn(2, Activation.TANH)), 2,
                Loss.MSE);
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        ModelWeights exact = javaRoundTrip(new ModelWeights(spec, params));
        assertArrayEquals(params, exact.params(), 0.0);
        assertEquals(spec, exact.spec());
        ModelWeights floats = javaRoundTrip(new ModelWeights(spec, params).withFloatWire());
        assertTrue(floats.floatWire());
        for (int j = 0; j < params.length; j++) {
            assertEquals((float) params[j], floats.params()[j], 0.0);
        }
        for (LabelShape shape : LabelShape.values()) {
            SequenceBatch batch = RandomBatches.of(spec, new int[] {3, 1, 4}, shape, 0.3, 5);
            SequenceBatch back = javaRoundTrip(batch);
            assertArrayEquals(batch.features(), back.features(), 0.0);
            assertArrayEquals(batch.values(), back.values(), 0.0);
            assertEquals(batch.size(), back.size());
            org.sparkrnn.data.ParsedBlock block = javaRoundTrip(new org.sparkrnn.data.ParsedBlock(batch,
                    batch.select(1), List.of("line 3: bad\t{}")));
            assertEquals(List.of("line 3: bad\t{}"), block.rejects());
            assertEquals(1, block.validation().size());
        }
        GradientAccumulator sums = new GradientAccumulator();
        NetworkKernel.create(spec, Precision.FLOAT64).accumulate(params, RandomBatches.of(spec, new int[] {2, 3},
                LabelShape.PER_SEQUENCE, 0, 6), sums);
        assertArrayEquals(sums.gradient(), javaRoundTrip(sums).gradient(), 0.0);
        GradientAccumulator floatSums = javaRoundTrip(GradientAccumulator.of(sums.layoutFingerprint(),
                sums.gradient().clone(), sums.lossSum(), sums.count(), sums.sequences()).useFloatWire());
        assertTrue(floatSums.floatWire());
        assertEquals(sums.lossSum(), floatSums.lossSum());
        assertEquals(sums.count(), floatSums.count());
        for (int j = 0; j < params.length; j++) {
            assertEquals((float) sums.gradient()[j], floatSums.gradient()[j], 0.0);
        }
        assertTrue(javaRoundTrip(new GradientAccumulator()).isEmpty());
        org.sparkrnn.data.SeriesWindows windows = new org.sparkrnn.data.SeriesWindows(2, 1, 2, new int[] {1, 2},
                new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, new double[] {1, 2, 3, 4, 5}, new int[] {0, 1});
        assertEquals(windows, javaRoundTrip(windows));
        // scales and future rows travel in the Java form too (a plain session's default serializer)
        org.sparkrnn.data.SeriesWindows forecast = windows.scaledBy(new double[] {2, 0.5}).withFuture(new int[] {1});
        org.sparkrnn.data.SeriesWindows forecastBack = javaRoundTrip(forecast);
        assertEquals(forecast, forecastBack);
        assertEquals(forecast.all(), forecastBack.all());
        assertEquals(2, forecastBack.all().futureSteps());
        NetworkSpec decoded = SPEC_WITH_DECODER;
        assertEquals(decoded, javaRoundTrip(decoded));
    }

    private static final NetworkSpec SPEC_WITH_DECODER = new NetworkSpec(2, List.of(LayerSpec.gru(3)), 4, Loss.MSE,
            false, 0, org.sparkrnn.model.Pooling.LAST, new org.sparkrnn.model.Decoder(5, 2, List.of(1, 0)));

    @Test
    void decoderSpecsAndFutureRowsSurviveKryo() {
        Kryo kryo = strictKryo();
        assertEquals(SPEC_WITH_DECODER, roundTrip(kryo, SPEC_WITH_DECODER));
        org.sparkrnn.data.SeriesWindows windows = new org.sparkrnn.data.SeriesWindows(2, 1, 2, new int[] {1, 2},
                new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, new double[] {1, 2, 3, 4, 5}, new int[] {0, 1})
                .withFuture(new int[] {1});
        org.sparkrnn.data.SeriesWindows back = roundTrip(kryo, windows);
        assertEquals(windows, back);
        SequenceBatch batch = back.all();
        assertEquals(batch, roundTrip(kryo, batch));
        // window 1 ends at row 2; its predicted steps are rows 3 and 4
        assertArrayEquals(new double[] {5, 6, 7, 8, 7, 8, 9, 10}, batch.future(), 0.0);
        assertEquals(batch.select(1), roundTrip(kryo, batch.select(1)));
        assertArrayEquals(new double[] {7, 8, 9, 10}, batch.select(1).future(), 0.0);
    }

    /** On the float wire the Java form, as the Kryo form, is half the bytes of the exact one (plus a header). */
    @Test
    void theFloatWireHalvesTheJavaFormToo() throws Exception {
        double[] gradient = new double[100_000];
        java.util.Arrays.fill(gradient, 0.25);
        int exact = javaBytes(GradientAccumulator.of(7, gradient.clone(), 1, 1, 1));
        int floats = javaBytes(GradientAccumulator.of(7, gradient.clone(), 1, 1, 1).useFloatWire());
        assertTrue(exact > 800_000 && floats < 400_000 + 1_000, exact + " vs " + floats);
        NetworkSpec spec = new NetworkSpec(1, List.of(LayerSpec.lstm(150)), 1, Loss.MSE);
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        int weights = javaBytes(new ModelWeights(spec, params));
        int floatWeights = javaBytes(new ModelWeights(spec, params).withFloatWire());
        assertTrue(weights > 8 * params.length && floatWeights < 4 * params.length + 2_000,
                weights + " vs " + floatWeights + " for " + params.length + " parameters");
    }

    private static int javaBytes(Object value) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.size();
    }

    @SuppressWarnings("unchecked")
    private static <T> T javaRoundTrip(T value) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
