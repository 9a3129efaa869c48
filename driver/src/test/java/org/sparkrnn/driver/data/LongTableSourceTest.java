package org.sparkrnn.driver.data;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.cli.TrainCommand;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.records.Partitioning;
import org.sparkrnn.driver.data.records.ReadContext;
import org.sparkrnn.driver.exec.DistributedSums;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long table cut into windows on the executors: one series (the bundled CSV files read as tables) gives exactly the
 * blocks of the CSV path, training and held-out, with gaps skipped or filled; many series give each exactly its own
 * windows, in the same blocks order whatever the number of partitions the table is sorted into (a series spanning
 * several); bad tables are named in one line.
 */
@Tag("every-spark-line")
class LongTableSourceTest {

    private static SparkSession spark() {
        return SparkSession.builder().config(SharedSpark.get().getConf()).getOrCreate();
    }

    private static final List<String> WARNINGS = new ArrayList<>();

    private static DatasetLoader loader() {
        WARNINGS.clear();
        return new DatasetLoader(SharedSpark.get(), new DistributedSums(SharedSpark.get(), 2), WARNINGS::add);
    }

    private static List<SequenceBatch> batches(JavaRDD<SequenceBlock> blocks) {
        if (blocks == null) {
            return List.of();
        }
        return blocks.map(b -> b.select(IntStream.range(0, b.size()).toArray())).collect();
    }

    private static SequenceBatch joined(List<SequenceBatch> blocks) {
        return blocks.isEmpty() ? null : SequenceBatch.concat(blocks.get(0), blocks);
    }

    private static TableLayout oneColumn(String column, String time, int window, int[] horizons,
                                         MissingValues missing, String validateFrom, boolean relative) {
        return new TableLayout(null, time, List.of(column), List.of(column), window, 1, horizons, missing,
                validateFrom, relative ? WindowTransform.RELATIVE_TO_LAST : WindowTransform.NONE,
                java.util.List.of(), null);
    }

    @Test
    void oneSeriesGivesTheBlocksOfTheCsvPath() {
        Object[][] cases = {
            {"../data/sunspots.csv", "SUNACTIVITY", "YEAR", 20, 1, MissingValues.SKIP, null, false,
                new String[] {"--validation-fraction", "0.2", "--split", "tail", "--partitions", "3"}},
            {"../data/sunspots.csv", "SUNACTIVITY", "YEAR", 12, 3, MissingValues.SKIP, "1950", true,
                new String[] {"--validate-from", "1950", "--relative-to-last", "--partitions", "4"}},
            {"../data/co2.csv", "co2", "date", 26, 1, MissingValues.SKIP, "19900101", false,
                new String[] {"--validate-from", "19900101", "--partitions", "2"}},
            {"../data/co2.csv", "co2", "date", 26, 2, MissingValues.INTERPOLATE, null, false,
                new String[] {"--missing", "interpolate", "--partitions", "3"}},
        };
        for (Object[] c : cases) {
            List<String> args = new ArrayList<>(List.of("--data", (String) c[0], "--format", "csv", "--column",
                    (String) c[1], "--time-column", (String) c[2], "--window", String.valueOf(c[3]), "--horizon",
                    String.valueOf(c[4])));
            args.addAll(List.of((String[]) c[8]));
            DataOptions options = TrainCommand.parse(args.toArray(String[]::new)).data();
            LoadedData csv = loader().loadForTraining(options, ReadContext.fresh(false));
            Dataset<Row> table = spark().read().option("header", "true").csv((String) c[0]);
            TableLayout layout = oneColumn((String) c[1], (String) c[2], (Integer) c[3], new int[] {(Integer) c[4]},
                    (MissingValues) c[5], (String) c[6], (Boolean) c[7]);
            LoadedData long_ = loader().loadForTraining(table, (String) c[0], layout, options,
                    ReadContext.fresh(false));
            String what = String.join(" ", args);
            assertEquals(batches(csv.train()), batches(long_.train()), what);
            // the same held-out windows in the same order; the CSV path puts a tail hold-out wholly in its last
            // block (its windows keep their index among all windows), the table spreads them over the blocks
            assertEquals(joined(batches(csv.validation())), joined(batches(long_.validation())), what);
            assertEquals(csv.trainStatistics().sequences(), long_.trainStatistics().sequences(), what);
            csv.unpersist();
            long_.unpersist();
        }
    }

    private static final StructType TABLE = new StructType().add("store", DataTypes.StringType)
            .add("day", DataTypes.IntegerType).add("sales", DataTypes.DoubleType)
            .add("visits", DataTypes.StringType);

    /** Seven series of 3 to 60 days, some values missing, rows shuffled. */
    private static List<Row> stores() {
        Random random = new Random(9);
        int[] lengths = {60, 3, 41, 7, 55, 12, 33};
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < lengths.length; s++) {
            for (int d = 0; d < lengths[s]; d++) {
                Double sales = random.nextInt(15) == 0 ? null : 100 * s + d + random.nextDouble();
                rows.add(RowFactory.create("store-" + s, 1000 + 3 * d, sales, String.valueOf(random.nextInt(50))));
            }
        }
        Collections.shuffle(rows, random);
        return rows;
    }

    @Test
    void manySeriesGiveTheirOwnWindowsWhateverThePartitioning() {
        Dataset<Row> table = spark().createDataFrame(stores(), TABLE);
        TableLayout layout = new TableLayout("store", "day", List.of("sales", "visits"), List.of("sales"), 5, 2,
                new int[] {1, 2}, MissingValues.SKIP, null, WindowTransform.NONE, java.util.List.of(), null);
        List<SequenceBatch> reference = null;
        List<SequenceBatch> referenceValidation = null;
        for (int partitions : new int[] {1, 2, 3, 5}) {
            DataOptions options = TrainCommand.parse("--data", "stores", "--format", "parquet",
                    "--validation-fraction", "0.25", "--partitions", String.valueOf(partitions)).data();
            LoadedData loaded = loader().loadForTraining(table, "stores", layout, options,
                    ReadContext.fresh(false));
            List<SequenceBatch> train = batches(loaded.train());
            List<SequenceBatch> validation = batches(loaded.validation());
            assertEquals(partitions, train.size(), "one block per partition");
            SequenceBatch all = SequenceBatch.concat(train.get(0), train);
            SequenceBatch held = SequenceBatch.concat(validation.get(0), validation);
            if (reference == null) {
                reference = List.of(all);
                referenceValidation = List.of(held);
                // every window: inputs (sales, visits) of 5 days, targets sales 1 and 2 days later
                assertEquals(2, all.labelWidth());
                assertEquals(2, all.inputSize());
                assertTrue(held.size() > 0 && all.size() > held.size(), all.size() + " / " + held.size());
            } else {
                assertEquals(reference.get(0), all, partitions + " partitions");
                assertEquals(referenceValidation.get(0), held, partitions + " partitions");
            }
            loaded.unpersist();
        }
        SequenceBatch windows = SequenceBatch.concat(reference.get(0), List.of(reference.get(0),
                referenceValidation.get(0)));
        for (int w = 0; w < windows.size(); w++) {
            double first = windows.feature(w, 0, 0);
            double series = Math.floor(first / 100);
            assertEquals(series, Math.floor(windows.values()[w * 2] / 100), "no window crosses two series");
        }
        assertEquals(expectedWindows(stores(), 5, 2, 2), windows.size());
        assertEquals(List.of("warning: stores: 1 of 7 series have fewer than 7 rows (window 5 + horizon 2) and make"
                + " no window"), WARNINGS.stream().filter(line -> line.startsWith("warning")).toList());
        assertTrue(WARNINGS.contains("stores: time step 3, inferred from the data (--frequency sets it)"),
                WARNINGS.toString());
    }

    /**
     * A small table left at the default partitions is ordered in one task (one range: no shuffle while it loads)
     * and gives, block for block, what the same table ordered into as many ranges as blocks gives ({@code
     * --partitions}): windows, held-out windows, statistics, the scales and the inferred time step, for each way of
     * holding out. (Filling gaps keeps each series whole in a partition hashed by its key, as before, whatever the
     * table's size: its windows take the partitions' order.)
     */
    @Test
    void oneRangeGivesTheBlocksOfManyRanges() throws Exception {
        int blocks = SharedSpark.get().defaultParallelism();
        String[][] holdOuts = {
            {"--validation-fraction", "0.25"},
            {"--validation-fraction", "0.2", "--split", "tail"},
            {"--validation-fraction", "0.25", "--normalize", "series"},
            {"--validation-fraction", "0.25", "--missing", "interpolate"},
        };
        for (String[] holdOut : holdOuts) {
            List<String> loads = new ArrayList<>();
            List<Object> results = new ArrayList<>();
            for (boolean oneRange : new boolean[] {true, false}) {
                List<String> args = new ArrayList<>(List.of("--data", "stores", "--format", "parquet", "--id-column",
                        "store", "--time-column", "day", "--feature-columns", "sales,visits", "--target-column",
                        "sales", "--window", "5", "--stride", "2", "--horizon", "1..2"));
                args.addAll(List.of(holdOut));
                if (!oneRange) {
                    args.addAll(List.of("--partitions", String.valueOf(blocks)));
                }
                DataOptions options = TrainCommand.parse(args.toArray(String[]::new)).data();
                ShuffleBytes shuffled = new ShuffleBytes();
                SharedSpark.get().sc().addSparkListener(shuffled);
                LoadedData loaded;
                try {
                    loaded = loader().loadForTraining(spark().createDataFrame(stores(), TABLE), "stores",
                            options.table(), options, ReadContext.fresh(false));
                    SharedSpark.get().sc().listenerBus().waitUntilEmpty();
                } finally {
                    SharedSpark.get().sc().removeSparkListener(shuffled);
                }
                String what = String.join(" ", args);
                if (oneRange && !what.contains("interpolate")) {
                    assertEquals(0, shuffled.bytes, "one range: nothing shuffled, " + what);
                } else {
                    assertTrue(shuffled.bytes > 0, "ranges: the table shuffled into them, " + what);
                }
                List<SequenceBatch> train = batches(loaded.train());
                assertEquals(blocks, train.size(), what);
                results.add(java.util.Arrays.asList(train, batches(loaded.validation()),
                        loaded.trainStatistics().sequences(), loaded.seriesScaling(), loaded.frequency()));
                loads.add(String.join("\n", WARNINGS));
                loaded.unpersist();
            }
            assertEquals(results.get(1), results.get(0), String.join(" ", holdOut));
            assertEquals(loads.get(1), loads.get(0), "what the loads said, " + String.join(" ", holdOut));
        }
    }

    /**
     * One range for a table Spark estimates small (a CSV file: its size), as many ranges as blocks for a bigger one or
     * when the user chose the partitions.
     */
    @Test
    void aSmallTableIsOneRangeUnlessThePartitionsAreChosen() throws Exception {
        Dataset<Row> co2 = spark().read().option("header", "true").csv("../data/co2-by-year.csv");
        long bytes = java.nio.file.Files.size(java.nio.file.Path.of("../data/co2-by-year.csv"));
        assertEquals(bytes, org.sparkrnn.driver.exec.InternalFrames.estimatedBytes(co2));
        assertEquals(new Partitioning.TablePartitions(1, 4), Partitioning.forTable(4, false, bytes));
        assertEquals(new Partitioning.TablePartitions(4, 4), Partitioning.forTable(4, true, bytes));
        assertEquals(new Partitioning.TablePartitions(4, 4), Partitioning.forTable(4, false, 64L << 20));
        assertEquals(new Partitioning.TablePartitions(4, 4), Partitioning.forTable(4, false, Long.MAX_VALUE));
    }

    /** The bytes Spark's jobs wrote to shuffle files while it listened. */
    private static final class ShuffleBytes extends org.apache.spark.scheduler.SparkListener {
        volatile long bytes;

        @Override
        public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted completed) {
            bytes += completed.stageInfo().taskMetrics().shuffleWriteMetrics().bytesWritten();
        }
    }

    /** Brute force: per series in day order, windows every stride rows with no missing sales in reach. */
    private static int expectedWindows(List<Row> rows, int window, int stride, int lastHorizon) {
        java.util.Map<String, java.util.TreeMap<Integer, Double>> series = new java.util.TreeMap<>();
        for (Row r : rows) {
            series.computeIfAbsent(r.getString(0), k -> new java.util.TreeMap<>()).put(r.getInt(1),
                    r.isNullAt(2) ? null : r.getDouble(2));
        }
        int count = 0;
        for (java.util.TreeMap<Integer, Double> days : series.values()) {
            List<Double> values = new ArrayList<>(days.values());
            for (int s = 0; s + window - 1 + lastHorizon < values.size(); s += stride) {
                boolean clean = true;
                for (int t = s; t < s + window + lastHorizon && clean; t++) {
                    clean = values.get(t) != null;
                }
                count += clean ? 1 : 0;
            }
        }
        return count;
    }

    @Test
    void badTablesAreNamedInOneLine() {
        DataOptions options = TrainCommand.parse("--data", "stores", "--format", "parquet").data();
        List<Row> rows = new ArrayList<>(stores());
        rows.add(RowFactory.create("store-4", 1000 + 3 * 7, 1.0, "3"));
        Exception twice = assertThrows(Exception.class, () -> loader().loadForTraining(
                spark().createDataFrame(rows, TABLE), "stores", new TableLayout("store", "day", List.of("sales"),
                        List.of("sales"), 5, 1, new int[] {1}, MissingValues.SKIP, null, WindowTransform.NONE,
                        java.util.List.of(), null), options,
                ReadContext.fresh(false)));
        assertEquals("stores: two rows of series store-4 have the time 1021; a series has one row per time",
                UserError.findIn(twice).getMessage());
        UserError missing = assertThrows(UserError.class, () -> loader().loadForTraining(
                spark().createDataFrame(stores(), TABLE), "stores", new TableLayout("store", "day",
                        List.of("sale"), List.of("sales"), 5, 1, new int[] {1}, MissingValues.SKIP, null,
                        WindowTransform.NONE, java.util.List.of(), null),
                options, ReadContext.fresh(false)));
        assertEquals("stores: no column 'sale' (--feature-columns); the columns are [store, day, sales, visits]",
                missing.getMessage());
        List<Row> text = new ArrayList<>(stores());
        text.set(0, RowFactory.create("store-9", 5, 1.0, "many"));
        Exception notANumber = assertThrows(Exception.class, () -> loader().loadForTraining(
                spark().createDataFrame(text, TABLE), "stores", new TableLayout("store", "day",
                        List.of("sales", "visits"), List.of("sales"), 5, 1, new int[] {1}, MissingValues.SKIP, null,
                        WindowTransform.NONE, java.util.List.of(), null), options, ReadContext.fresh(false)));
        assertEquals("stores: series store-9 at time 5: column 'visits' value 'many' is not a number",
                UserError.findIn(notANumber).getMessage());
    }
}
