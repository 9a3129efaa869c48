package org.sparkrnn.driver.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.SeriesWindows;
import org.sparkrnn.data.TransformedWindows;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.cli.TrainCommand;
import org.sparkrnn.driver.config.TrainingConfig;
import org.sparkrnn.driver.data.LoadedData;
import org.sparkrnn.driver.data.records.ReadContext;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CSV windows are cached as series with their windows made on demand ({@link SeriesWindows}); training on them gives
 * the weights of training on the same windows materialised (to 1e-12), for several partitionings, with a random and a
 * time split, standardisation and windows relative to their last value; and the cache holds each value once per
 * block instead of once per window step.
 */
@Tag("every-spark-line")
class WindowViewsTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static TrainingConfig config(String... extra) {
        List<String> args = new ArrayList<>(List.of("--data", "../data/sunspots.csv", "--format", "csv",
                "--column", "SUNACTIVITY", "--time-column", "YEAR", "--window", "20", "--hidden", "6",
                "--precision", "float64", "--iterations", "12", "--batch-size", "16", "--lr", "0.02",
                "--log-every", "1000"));
        args.addAll(List.of(extra));
        return TrainCommand.parse(args.toArray(String[]::new)).withOutput(TrainingConfig.Output.none());
    }

    /** Every block's windows copied out into a packed batch, cached: the data as a pre-built sequence file gives. */
    private static JavaRDD<SequenceBlock> materialised(JavaRDD<SequenceBlock> blocks) {
        return blocks == null ? null : blocks.map(block -> (SequenceBlock) block.select(
                IntStream.range(0, block.size()).toArray())).persist(StorageLevel.MEMORY_ONLY());
    }

    @Test
    void windowsMadeOnDemandTrainAsMaterialisedWindows() throws Exception {
        for (String[] extra : List.of(
                new String[] {"--partitions", "1", "--validation-fraction", "0.2"},
                new String[] {"--partitions", "3", "--validation-fraction", "0.2", "--normalize", "standard"},
                new String[] {"--partitions", "5", "--validate-from", "1950", "--relative-to-last"},
                new String[] {"--partitions", "2", "--validation-fraction", "0.25", "--split", "tail",
                        "--normalize", "standard", "--relative-to-last", "--horizon", "3"})) {
            TrainingConfig config = config(extra);
            Trainer.Result views = new Trainer(SharedSpark.get(), config, QUIET).run();
            List<SequenceBlock> cached = views.data().train().collect();
            assertTrue(cached.stream().allMatch(b -> b instanceof SeriesWindows || b instanceof TransformedWindows),
                    "CSV windows are cached as series: " + cached.get(0).getClass());
            Trainer.Result copies = new Trainer(SharedSpark.get(), config, QUIET).run((loader, options) -> {
                LoadedData loaded = loader.loadForTraining(options, ReadContext.fresh(config.normalize()));
                return new LoadedData(materialised(loaded.train()), materialised(loaded.validation()),
                        loaded.shape(), loaded.trainStatistics(), loaded.validationSequences(),
                        loaded.standardization(), loaded.vocabulary());
            });
            String what = String.join(" ", extra);
            assertEquals(copies.iterations(), views.iterations(), what);
            // the same batches in the same order: equal but for the last bit the JIT may change in exp and tanh
            // between two runs in one JVM (see BatchInvarianceTest)
            for (int j = 0; j < views.finalParams().length; j++) {
                assertEquals(copies.finalParams()[j], views.finalParams()[j],
                        1e-12 * Math.max(1, Math.abs(copies.finalParams()[j])), what + ", weight " + j);
            }
            assertEquals(copies.lastValidation().rmse(), views.lastValidation().rmse(),
                    1e-12 * copies.lastValidation().rmse(), what);
            views.data().unpersist();
            copies.data().unpersist();
        }
    }

    @Test
    void aBlockHoldsEachValueOnceNotOncePerWindowStep() throws Exception {
        Trainer.Result run = new Trainer(SharedSpark.get(), config("--partitions", "2", "--iterations", "1"), QUIET)
                .run();
        long stored = 0;
        long windowValues = 0;
        for (SequenceBlock block : run.data().train().collect()) {
            SeriesWindows windows = (SeriesWindows) block;
            stored += windows.storedValues();
            windowValues += (long) windows.size() * windows.window() + windows.size();
        }
        // 289 values of one column (inputs and targets alike, one array), each block with the 20 + 1 rows its last
        // window reads past its share; as packed sequences: 269 windows of 20 steps and a label
        assertTrue(stored <= 289 + 2 * 21, "stored " + stored);
        assertTrue(windowValues > 15 * stored, windowValues + " values as windows vs " + stored + " stored");
        run.data().unpersist();
    }
}
