package org.sparkrnn.driver.train;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.cli.TrainCommand;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.data.files.JsonLinesParser;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.exec.BatchSchedule;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.InitScheme;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.optim.Optimizer;
import org.sparkrnn.optim.OptimizerKind;
import org.sparkrnn.optim.OptimizerSettings;
import org.sparkrnn.optim.OptimizerState;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Training on Spark gives the model a plain in-process loop gives with the same batches: full-batch gradients and
 * 5-iteration trajectories in local[2] with 1, 3 and 7 partitions (7 &gt; 6 sequences: one partition is empty) and
 * tree depths 1–3, our tree, sliced and Spark's own treeAggregate, equal the loop to 1e-12 (float64); with
 * mini-batches, the loop over the same partitions' batches.
 */
@Tag("every-spark-line")
class DistributedEqualsLocalTest {

    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    Path tmp;

    @Test
    void fullBatchTrajectoryIsTheSameForAnyPartitioningAndDepth() throws Exception {
        Path data = TestData.perStepRegression(tmp, "train.jsonl", 6, 2, 5, 1);
        // The in-process loop: every sequence in file order, the kernel, the optimizer.
        SequenceBatch all = parseAll(data, 2);
        NetworkSpec spec = null;
        double[][] reference = null;
        // partitions, depth, aggregation (0 tree, 1 sliced, 2 Spark's treeAggregate)
        for (int[] setting : new int[][] {{1, 1, 0}, {3, 2, 0}, {7, 3, 0}, {7, 1, 0}, {3, 3, 0}, {7, 2, 1}, {7, 1, 2},
            {7, 2, 2}, {3, 3, 2}}) {
            int partitions = setting[0];
            int depth = setting[1];
            String aggregation = new String[] {"tree", "sliced", "tree-aggregate"}[setting[2]];
            Trainer.Result result = train(data, "--batch-size", "all", "--partitions", "" + partitions,
                    "--aggregation-depth", "" + depth, "--aggregation", aggregation);
            assertEquals(partitions, result.data().train().getNumPartitions());
            if (reference == null) {
                spec = result.spec();
                reference = localLoop(spec, all, 5);
            }
            if (partitions == 7) {
                assertTrue(result.data().train().collect().stream().anyMatch(b -> b.size() == 0),
                        "6 sequences in 7 partitions leave one empty");
            }
            List<org.sparkrnn.driver.train.MetricsHistory.Row> rows = result.history().rows();
            for (int it = 0; it < 5; it++) {
                assertClose(reference[it][0], rows.get(it).trainLoss(), "loss at iteration " + (it + 1)
                        + ", P=" + partitions + " depth " + depth + ", " + aggregation);
            }
            assertAllClose(reference[5], result.finalParams(), "weights after 5 iterations, P=" + partitions
                    + " depth " + depth + ", " + aggregation);
        }
        // and the gradient itself, straight from DistributedSums
        Trainer.Result again = train(data, "--batch-size", "all", "--partitions", "7", "--aggregation-depth", "2");
        double[] params = Initializer.initialize(new ParameterLayout(spec), new InitOptions(InitScheme.PYTORCH_UNIFORM,
                1.0, 42));
        GradientAccumulator local = new GradientAccumulator();
        NetworkKernel.create(spec, Precision.FLOAT64).accumulate(params, all, local);
        for (org.sparkrnn.driver.config.Aggregation aggregation : org.sparkrnn.driver.config.Aggregation.values()) {
            for (int depth = 1; depth <= 2; depth++) {
                DistributedSums sums = new DistributedSums(SharedSpark.get(), aggregation, depth);
                GradientAccumulator distributed = sums.gradient(again.data().train(), new ModelWeights(spec, params),
                        new KernelSettings(Precision.FLOAT64, 0), BatchSchedule.fullBatch(6, 42), 0, "test gradient");
                String what = aggregation.cliName() + ", depth " + depth;
                assertClose(local.lossSum(), distributed.lossSum(), "loss sum, " + what);
                assertEquals(local.count(), distributed.count(), "labelled steps, " + what);
                assertEquals(6, distributed.sequences(), "sequences, " + what);
                assertAllClose(local.gradient(), distributed.gradient(), "gradient sum, " + what);
                assertEquals(6, sums.counts(again.data().train(), "test counts").sequences(), "counted, " + what);
                assertEquals(6, sums.statistics(again.data().train(), "test statistics").sequences(),
                        "statistics, " + what);
            }
        }
    }

    @Test
    void miniBatchesEqualTheLoopOverTheSamePartitionsBatches() throws Exception {
        Path data = TestData.perStepRegression(tmp, "train.jsonl", 11, 2, 6, 2);
        Trainer.Result result = train(data, "--batch-size", "4", "--partitions", "3", "--optimizer", "sgd",
                "--momentum", "0.9", "--lr", "0.05", "--iterations", "7");
        List<SequenceBatch> partitions = result.data().train().map(block -> (SequenceBatch) block).collect();
        BatchSchedule schedule = new BatchSchedule(11, 4, 42, starts(partitions));
        assertEquals(3, schedule.iterationsPerEpoch());
        NetworkSpec spec = result.spec();
        double[] params = Initializer.initialize(new ParameterLayout(spec),
                new InitOptions(InitScheme.PYTORCH_UNIFORM, 1.0, 42));
        Optimizer optimizer = new Optimizer(OptimizerSettings.defaultsFor(OptimizerKind.SGD).withMomentum(0.9, false));
        OptimizerState state = optimizer.init();
        NetworkKernel kernel = NetworkKernel.create(spec, Precision.FLOAT64);
        int[] used = new int[11];
        for (int it = 0; it < 7; it++) {
            GradientAccumulator sums = new GradientAccumulator();
            int offset = 0;
            for (int p = 0; p < partitions.size(); p++) {
                SequenceBatch part = partitions.get(p);
                int[] chosen = schedule.select(p, part.size(), it);
                if (it < 3) {
                    for (int c : chosen) {
                        used[offset + c]++;
                    }
                }
                if (chosen.length > 0) { // as DistributedSums: a partition may have nothing to add this time
                    kernel.accumulate(params, part.select(chosen), sums);
                }
                offset += part.size();
            }
            assertClose(sums.objective(spec.loss()), result.history().rows().get(it).trainLoss(), "loss " + it);
            optimizer.stepInPlace(params, sums.objectiveGradient(spec.loss()), state, 0.05);
        }
        assertAllClose(params, result.finalParams(), "weights after 7 mini-batch iterations");
        for (int u : used) {
            assertEquals(1, u, "the first epoch uses every sequence exactly once");
        }
    }

    @Test
    void everyModelOptionTrainsAsTheLoopOverTheSamePartitionsBatches() throws Exception {
        Path perStep = TestData.perStepRegression(tmp, "steps.jsonl", 11, 2, 6, 4);
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        List<String> lines = new java.util.ArrayList<>();
        for (int s = 0; s < 11; s++) {
            StringBuilder steps = new StringBuilder();
            int length = 1 + random.nextInt(6);
            for (int t = 0; t < length; t++) {
                steps.append(t == 0 ? "" : ",").append('[').append(random.nextDouble() - 0.5).append(',')
                        .append(random.nextDouble() - 0.5).append(']');
            }
            lines.add("{\"features\": [" + steps + "], \"label\": " + (random.nextDouble() - 0.5) + "}");
        }
        Path perSequence = TestData.write(tmp, "sequences.jsonl", lines.toArray(new String[0]));
        List<Object[]> cases = List.of(
                new Object[] {perStep, new String[] {"--cell", "gru"}},
                new Object[] {perStep, new String[] {"--bidirectional"}},
                new Object[] {perStep, new String[] {"--cell", "gru", "--dropout", "0.4"}},
                new Object[] {perSequence, new String[] {"--bidirectional", "--cell", "gru"}},
                new Object[] {perSequence, new String[] {"--pooling", "mean"}},
                new Object[] {perSequence, new String[] {"--pooling", "max", "--cell", "rnn", "--dropout", "0.3"}});
        for (Object[] c : cases) {
            String[] option = (String[]) c[1];
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(option), java.util.stream.Stream.of(
                    "--batch-size", "4", "--partitions", "3", "--optimizer", "sgd", "--momentum", "0.9", "--lr",
                    "0.05", "--iterations", "6")).toArray(String[]::new);
            Trainer.Result result = train((Path) c[0], args);
            List<SequenceBatch> partitions = result.data().train().map(block -> (SequenceBatch) block).collect();
            BatchSchedule schedule = new BatchSchedule(11, 4, 42, starts(partitions));
            NetworkSpec spec = result.spec();
            double[] params = Initializer.initialize(new ParameterLayout(spec),
                    new InitOptions(InitScheme.PYTORCH_UNIFORM, 1.0, 42));
            Optimizer optimizer = new Optimizer(OptimizerSettings.defaultsFor(OptimizerKind.SGD)
                    .withMomentum(0.9, false));
            OptimizerState state = optimizer.init();
            NetworkKernel kernel = NetworkKernel.create(spec, Precision.FLOAT64);
            String name = String.join(" ", option);
            for (int it = 0; it < 6; it++) {
                GradientAccumulator sums = new GradientAccumulator();
                for (int p = 0; p < partitions.size(); p++) {
                    int[] chosen = schedule.select(p, partitions.get(p).size(), it);
                    if (chosen.length > 0) {
                        kernel.accumulate(params, partitions.get(p).select(chosen), null, sums,
                                schedule.dropoutSeed(it));
                    }
                }
                assertClose(sums.objective(spec.loss()), result.history().rows().get(it).trainLoss(),
                        name + ": loss " + it);
                optimizer.stepInPlace(params, sums.objectiveGradient(spec.loss()), state, 0.05);
            }
            assertAllClose(params, result.finalParams(), name + ": weights after 6 mini-batch iterations");
        }
        // dropout masks follow the sequences, not the partitions: a full batch trains alike on 1 and 3 partitions
        String[] dropout = {"--cell", "gru", "--dropout", "0.5", "--batch-size", "all", "--iterations", "4"};
        Trainer.Result one = train(perStep, java.util.stream.Stream.concat(java.util.Arrays.stream(dropout),
                java.util.stream.Stream.of("--partitions", "1")).toArray(String[]::new));
        Trainer.Result three = train(perStep, java.util.stream.Stream.concat(java.util.Arrays.stream(dropout),
                java.util.stream.Stream.of("--partitions", "3")).toArray(String[]::new));
        assertAllClose(one.finalParams(), three.finalParams(), "dropout: 1 vs 3 partitions");
    }

    @Test
    void float32TrainingOverTheFloatWireMatchesTheLoopToFloatRounding() throws Exception {
        Path data = TestData.perStepRegression(tmp, "train.jsonl", 9, 2, 6, 3);
        SequenceBatch all = parseAll(data, 2);
        Trainer.Result result = train(data, "--batch-size", "all", "--partitions", "3", "--precision", "float32");
        NetworkSpec spec = result.spec();
        double[] params = Initializer.initialize(new ParameterLayout(spec),
                new InitOptions(InitScheme.PYTORCH_UNIFORM, 1.0, 42));
        Optimizer optimizer = new Optimizer(OptimizerSettings.defaultsFor(OptimizerKind.ADAM));
        OptimizerState state = optimizer.init();
        NetworkKernel kernel = NetworkKernel.create(spec, Precision.FLOAT32);
        for (int it = 0; it < 5; it++) {
            GradientAccumulator sums = new GradientAccumulator();
            kernel.accumulate(params, all, sums);
            assertEquals(sums.objective(spec.loss()), result.history().rows().get(it).trainLoss(),
                    1e-5 * Math.abs(sums.objective(spec.loss())), "loss " + it);
            optimizer.stepInPlace(params, sums.objectiveGradient(spec.loss()), state, 1e-3);
        }
        for (int j = 0; j < params.length; j++) {
            assertEquals(params[j], result.finalParams()[j], 1e-6, "weight " + j);
        }
    }

    private Trainer.Result train(Path data, String... extra) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "model");
        Files.delete(dir);
        String[] base = {"--data", data.toString(), "--hidden", "3,2", "--iterations", "5", "--precision", "float64",
                "--model-dir", dir.toString(), "--checkpoint-every", "0", "--log-every", "5"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        return new Trainer(SharedSpark.get(), TrainCommand.parse(args), QUIET).run();
    }

    /** The loop without Spark: losses per iteration [it][0] and the final weights [5]. */
    private static double[][] localLoop(NetworkSpec spec, SequenceBatch all, int iterations) {
        double[] params = Initializer.initialize(new ParameterLayout(spec),
                new InitOptions(InitScheme.PYTORCH_UNIFORM, 1.0, 42));
        Optimizer optimizer = new Optimizer(OptimizerSettings.defaultsFor(OptimizerKind.ADAM));
        OptimizerState state = optimizer.init();
        NetworkKernel kernel = NetworkKernel.create(spec, Precision.FLOAT64);
        double[][] out = new double[iterations + 1][];
        for (int it = 0; it < iterations; it++) {
            GradientAccumulator sums = new GradientAccumulator();
            kernel.accumulate(params, all, sums);
            out[it] = new double[] {sums.objective(spec.loss())};
            optimizer.stepInPlace(params, sums.objectiveGradient(spec.loss()), state, 1e-3);
        }
        out[iterations] = params;
        return out;
    }

    static SequenceBatch parseAll(Path file, int inputs) throws Exception {
        List<String> lines = Files.readAllLines(file);
        RecordShape shape = JsonLinesParser.inferShape(file.toString(), 1, lines.get(0), false, 0, true);
        JsonLinesParser parser = new JsonLinesParser(file.toString(), shape);
        SequenceBatch.Builder builder = SequenceBatch.builder(inputs, shape.labelShape(), shape.labelKind(),
                shape.labelWidth());
        for (int i = 0; i < lines.size(); i++) {
            parser.parseInto(lines.get(i), i + 1, builder);
        }
        return builder.build();
    }

    static void assertClose(double expected, double actual, String what) {
        if (Math.abs(expected - actual) > 1e-12 * Math.max(1, Math.abs(expected))) {
            fail(what + ": expected " + expected + ", got " + actual);
        }
    }

    static void assertAllClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int j = 0; j < expected.length; j++) {
            assertClose(expected[j], actual[j], what + "[" + j + "]");
        }
    }

    /** The global index of each partition's first sequence. */
    private static long[] starts(List<SequenceBatch> partitions) {
        long[] starts = new long[partitions.size()];
        for (int p = 1; p < starts.length; p++) {
            starts[p] = starts[p - 1] + partitions.get(p - 1).size();
        }
        return starts;
    }
}
