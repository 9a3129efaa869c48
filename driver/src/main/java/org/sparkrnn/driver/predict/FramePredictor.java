package org.sparkrnn.driver.predict;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.InvalidRows;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.exec.InternalFrames;
import org.sparkrnn.driver.exec.ModelBroadcasts;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.model.ModelWeights;

/**
 * Predictions for a DataFrame of sequences, lazily: every input row with the prediction columns appended, each
 * partition streamed through the forward pass in chunks ({@link ChunkedPredictor}), the model broadcast once. A
 * batch DataFrame is read and written as Spark's internal rows ({@link BinaryRows}: a sequence is one copy per step,
 * the input columns pass through as bytes); a streaming one through a typed {@code mapPartitions} of external rows
 * ({@link ExternalRows}), once per micro-batch with that one broadcast. Both give the same rows. What the Spark ML model's {@code transform} and
 * {@code lstm-spark predict} on a Spark data source both run.
 */
public final class FramePredictor {

    private FramePredictor() {
    }

    /**
     * {@code frame} with {@code layout}'s columns appended (nullable with {@link InvalidRows#KEEP}), its sequences
     * read from {@code featuresCol}; errors name {@code source} and the row. The broadcast model lives as long as the
     * returned DataFrame may be evaluated (Spark's ContextCleaner removes it once the plan is garbage): what a Spark
     * ML model's {@code transform} returns to its user.
     */
    public static Dataset<Row> transform(Dataset<Row> frame, SavedModel saved, PredictionLayout layout,
                                         String featuresCol, String source, InvalidRows invalid,
                                         KernelSettings kernel, int chunkSize) {
        return transform(frame, saved, layout, featuresCol, FUTURE, source, invalid, kernel, chunkSize);
    }

    /**
     * As {@link #transform(Dataset, SavedModel, PredictionLayout, String, String, InvalidRows, KernelSettings, int)},
     * a forecast decoder's future rows read from {@code futureCol}.
     */
    public static Dataset<Row> transform(Dataset<Row> frame, SavedModel saved, PredictionLayout layout,
                                         String featuresCol, String futureCol, String source, InvalidRows invalid,
                                         KernelSettings kernel, int chunkSize) {
        return transform(ModelBroadcasts.withThePlans(contextOf(frame)), frame, saved, layout, featuresCol, futureCol,
                source, invalid, kernel, chunkSize, null);
    }

    /** Where a long table's windows carry their future rows ({@link LongTableSource#FUTURE}). */
    private static final String FUTURE = org.sparkrnn.driver.data.table.LongTableSource.FUTURE;

    /**
     * As {@link #transform(Dataset, SavedModel, PredictionLayout, String, String, InvalidRows, KernelSettings, int)},
     * the model's broadcast destroyed when the result is closed (after it is written).
     */
    public static ScopedPredictions open(Dataset<Row> frame, SavedModel saved, PredictionLayout layout,
                                         String featuresCol, String source, InvalidRows invalid,
                                         KernelSettings kernel, int chunkSize) {
        ModelBroadcasts models = ModelBroadcasts.scoped(contextOf(frame));
        LongAccumulator unknown = saved.seriesScaling() == null ? null
                : frame.sparkSession().sparkContext().longAccumulator("windows of series without a scale");
        return new ScopedPredictions(transform(models, frame, saved, layout, featuresCol, FUTURE, source, invalid,
                kernel, chunkSize, unknown), models, unknown);
    }

    /** The same, the model broadcast through {@code models}. */
    static Dataset<Row> transform(ModelBroadcasts models, Dataset<Row> frame, SavedModel saved,
                                  PredictionLayout layout, String featuresCol, String source, InvalidRows invalid,
                                  KernelSettings kernel, int chunkSize) {
        return transform(models, frame, saved, layout, featuresCol, FUTURE, source, invalid, kernel, chunkSize,
                null);
    }

    /** The same, counting into {@code unknownSeries} the windows of series the model has no scale for (null: not). */
    private static Dataset<Row> transform(ModelBroadcasts models, Dataset<Row> frame, SavedModel saved,
                                          PredictionLayout layout, String featuresCol, String futureCol,
                                          String source, InvalidRows invalid, KernelSettings kernel, int chunkSize,
                                          LongAccumulator unknownSeries) {
        return transform(models, frame, saved, layout, featuresCol, futureCol, source, invalid, kernel, chunkSize,
                unknownSeries, InternalFrames.available(frame));
    }

    /**
     * The same through external rows whatever the frame (what a streaming frame takes): what tests compare the
     * binary rows with.
     */
    static Dataset<Row> transformExternalRows(ModelBroadcasts models, Dataset<Row> frame, SavedModel saved,
                                              PredictionLayout layout, String featuresCol, String futureCol,
                                              String source, InvalidRows invalid, KernelSettings kernel,
                                              int chunkSize) {
        return transform(models, frame, saved, layout, featuresCol, futureCol, source, invalid, kernel, chunkSize,
                null, false);
    }

    private static Dataset<Row> transform(ModelBroadcasts models, Dataset<Row> frame, SavedModel saved,
                                          PredictionLayout layout, String featuresCol, String futureCol,
                                          String source, InvalidRows invalid, KernelSettings kernel, int chunkSize,
                                          LongAccumulator unknownSeries, boolean binary) {
        StructType out = layout.appendTo(frame.schema(), invalid == InvalidRows.KEEP);
        int featuresIndex = frame.schema().fieldIndex(featuresCol);
        int futureIndex = futureIndex(frame.schema(), saved, futureCol, source);
        String future = futureIndex < 0 ? null : futureCol;
        // both columns' types, before any job: the features and a decoder's future rows
        new FrameColumns(featuresCol, null, false, future).check(frame.schema(), source);
        ChunkedPredictor predictor = new ChunkedPredictor(layout, saved, kernel, chunkSize, unknownSeries);
        int keyIndex = keyIndex(frame.schema(), saved, source);
        ModelWeights weights = new ModelWeights(saved.spec(), saved.params());
        if (binary) {
            // a batch DataFrame: its binary rows in and out, the sequences copied out without boxing
            BinaryRows access = new BinaryRows(frame.schema(), featuresCol, future);
            return models.mapInternal(frame, weights, (w, part) -> predictor.rows(w, part, access, featuresIndex,
                    keyIndex, futureIndex, source, invalid), out);
        }
        ExternalRows access = new ExternalRows(featuresCol, future);
        return models.map(frame, weights, (w, part) -> predictor.rows(w, part, access, featuresIndex, keyIndex,
                futureIndex, source, invalid), Encoders.row(out));
    }

    /** Where a model with a forecast decoder finds each window's future rows: column {@code future} (-1: none). */
    private static int futureIndex(StructType schema, SavedModel saved, String future, String source) {
        if (!saved.spec().hasDecoder()) {
            return -1;
        }
        if (!java.util.Arrays.asList(schema.fieldNames()).contains(future)) {
            throw new UserError(source + ": the model's forecast decoder reads the rows of the steps each window"
                    + " predicts: it needs column '" + future + "' (one array of inputs per step); the columns are "
                    + java.util.Arrays.toString(schema.fieldNames()));
        }
        return schema.fieldIndex(future);
    }

    /**
     * Where a model that scales each series finds a row's series: the column it was trained with ({@code -1}: no
     * such model, or one of a single series).
     */
    private static int keyIndex(StructType schema, SavedModel saved, String source) {
        if (saved.seriesScaling() == null || saved.seriesScaling().keyColumn() == null) {
            return -1;
        }
        String key = saved.seriesScaling().keyColumn();
        if (!java.util.Arrays.asList(schema.fieldNames()).contains(key)) {
            throw new UserError(source + ": the model scales each series by its own scale (--normalize series):"
                    + " it needs the series key column '" + key + "'; the columns are "
                    + java.util.Arrays.toString(schema.fieldNames()));
        }
        return schema.fieldIndex(key);
    }

    private static JavaSparkContext contextOf(Dataset<Row> frame) {
        return JavaSparkContext.fromSparkContext(frame.sparkSession().sparkContext());
    }
}
