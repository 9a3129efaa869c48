package org.sparkrnn.driver.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;

/**
 * Sliding windows over one column of a CSV file: {@code --window T} steps, the target {@code --horizon h} steps
 * after the window, gaps by {@code --missing}, validation by {@code --validate-from} on the time column (or the
 * options' hold-out). Windows are numbered in file order for the loading pipeline.
 */
final class CsvWindowSource {

    private final JavaSparkContext sc;
    private final Configuration hadoop;
    private final RejectsWriter rejects;

    CsvWindowSource(JavaSparkContext sc, RejectsWriter rejects) {
        this.sc = sc;
        this.hadoop = sc.hadoopConfiguration();
        this.rejects = rejects;
    }

    NumberedSequences read(DataOptions options, String path, DatasetLoader.Context context) {
        List<String> files = DataFiles.list(hadoop, path);
        if (files.size() != 1) {
            throw new UserError(path + ": csv input must be one file, found " + files.size());
        }
        String file = files.get(0);
        List<String> rejected = options.skipBadRecords() ? new ArrayList<>() : null;
        CsvSeries series = CsvSeries.parse(file, DataFiles.readLines(hadoop, file), options.column(),
                options.timeColumn(), rejected, options.delimiter(), options.header())
                .withMissingPolicy(options.missing());
        if (rejected != null && !rejected.isEmpty()) {
            rejects.write(sc.parallelize(rejected, 1), options.rejectsPath());
        }
        List<Integer> starts = series.windowStarts(options.window(), options.horizon());
        if (starts.isEmpty()) {
            throw new UserError(file + ": " + series.values().length + " values make no gap-free window of "
                    + options.window() + " steps plus a horizon of " + options.horizon());
        }
        ValidationRule rule = Partitioning.holdOut(options);
        if (options.validateFrom() != null) {
            boolean[] flags = new boolean[starts.size()];
            for (int w = 0; w < flags.length; w++) {
                String time = series.times()[starts.get(w) + options.window() + options.horizon() - 1];
                flags[w] = CsvSeries.atOrAfter(time, options.validateFrom());
            }
            rule = new ValidationRule.Flags(flags);
        }
        RecordShape shape = context.shape() != null ? context.shape()
                : new RecordShape(1, false, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1, 0);
        double[] values = series.values();
        int window = options.window();
        int horizon = options.horizon();
        List<Tuple2<Long, Integer>> numberedStarts = new ArrayList<>();
        for (int w = 0; w < starts.size(); w++) {
            numberedStarts.add(new Tuple2<>((long) w, starts.get(w)));
        }
        JavaPairRDD<Long, SequenceBatch> pairs = sc.parallelizePairs(numberedStarts,
                        Math.max(1, sc.defaultParallelism()))
                .mapValues(start -> window(values, start, window, horizon));
        return new NumberedSequences(pairs.persist(Partitioning.INTERMEDIATE), null, shape, null, rule,
                8L * starts.size() * window);
    }

    private static SequenceBatch window(double[] values, int start, int window, int horizon) {
        double[][] steps = new double[window][1];
        for (int t = 0; t < window; t++) {
            steps[t][0] = values[start + t];
        }
        return SequenceBatch.builder(1, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1)
                .add(steps, new double[] {values[start + window + horizon - 1]}).build();
    }
}
