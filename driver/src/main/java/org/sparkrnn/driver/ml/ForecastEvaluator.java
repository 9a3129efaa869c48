package org.sparkrnn.driver.ml;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.model.Quantiles;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.scoring.ForecastRows;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.ForecastSums;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * Spark ML's evaluator of forecasts, so that {@code CrossValidator} and {@code TrainValidationSplit} can choose on the
 * forecasting metrics: {@code rmse}, {@code mae}, {@code smape} (M4's, in percent), {@code wql} (the weighted quantile
 * loss: the mean over the levels of 2 Σ pinball / Σ |y|) and {@code coverageError} (the mean over the central
 * intervals among the levels of |coverage − nominal|; 0.1 with 0.9: the 80% interval), each smaller is better. It
 * reads {@code labelCol} and {@code predictionCol} (a double, or an array of one per step) and for the quantile metrics
 * one column per level of {@code quantiles}, named as {@link org.sparkrnn.driver.ml.LstmModel} names them
 * ({@code p10}, {@code p50}, ...). Rows whose label is null (a forecast past the data) are not scored. The sums
 * are merged in partition order, so a metric is the same on every run.
 */
public final class ForecastEvaluator extends Evaluator {

    private static final long serialVersionUID = 1L;
    private static final List<String> METRICS = List.of("rmse", "mae", "smape", "wql", "coverageError");

    private final String uid;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> metricName;
    private final Param<String> quantiles;

    public ForecastEvaluator() {
        this(Identifiable.randomUID("forecastEvaluator"));
    }

    public ForecastEvaluator(String uid) {
        this.uid = uid;
        labelCol = new Param<>(this, "labelCol", "the actual values: a double or an array of one per step");
        setDefault(labelCol, "label");
        predictionCol = new Param<>(this, "predictionCol", "the point forecasts, shaped as the label");
        setDefault(predictionCol, "prediction");
        metricName = new Param<>(this, "metricName", "the metric: " + String.join(", ", METRICS)
                + " (each smaller is better)", value -> {
                    if (!METRICS.contains(value)) {
                        throw new IllegalArgumentException(uid + ": unknown metricName '" + value + "', expected one"
                                + " of " + String.join(", ", METRICS));
                    }
                    return true;
                });
        setDefault(metricName, "rmse");
        quantiles = new Param<>(this, "quantiles", "the quantile levels of wql and coverageError, one column each"
                + " (p10, ...), e.g. 0.1,0.5,0.9", value -> {
                    try {
                        Quantiles.parse(value, "quantiles");
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(uid + ": " + e.getMessage(), e);
                    }
                    return true;
                });
        setDefault(quantiles, Defaults.QUANTILES);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public boolean isLargerBetter() {
        return false;
    }

    @Override
    public ForecastEvaluator copy(ParamMap extra) {
        return copyValues(new ForecastEvaluator(uid), extra);
    }

    /** Every row's forecasts scored: the metric {@code metricName} over them all. */
    @Override
    public double evaluate(Dataset<?> dataset) {
        EvaluationSums sums = sums(dataset);
        ForecastSums forecast = sums.forecast();
        return switch (getMetricName()) {
            case "rmse" -> Math.sqrt(sums.squaredError() / sums.elements());
            case "mae" -> sums.absoluteError() / sums.elements();
            case "smape" -> forecast.smape();
            case "wql" -> forecast.meanWeightedQuantileLoss();
            default -> {
                double[] levels = forecast.levels();
                List<int[]> intervals = forecast.intervals();
                if (intervals.isEmpty()) {
                    throw new IllegalArgumentException(uid + ": coverageError needs a central interval among the"
                            + " quantiles (a level τ < 0.5 and 1 − τ), got " + getQuantiles());
                }
                double error = 0;
                for (int i = 0; i < intervals.size(); i++) {
                    error += Math.abs(forecast.coverage(i) - (1 - 2 * levels[intervals.get(i)[0]]));
                }
                yield error / intervals.size();
            }
        };
    }

    /** The sums every metric is formed from, over the rows that have a label. */
    public EvaluationSums sums(Dataset<?> dataset) {
        boolean quantile = getMetricName().equals("wql") || getMetricName().equals("coverageError");
        double[] levels = quantile ? Quantiles.parse(getQuantiles(), "quantiles").stream()
                .mapToDouble(Double::doubleValue).toArray() : new double[0];
        StructType schema = dataset.schema();
        List<Column> read = new ArrayList<>();
        read.add(col(checked(schema, getLabelCol(), "labelCol")));
        read.add(col(checked(schema, getPredictionCol(), "predictionCol")));
        for (double level : levels) {
            read.add(col(checked(schema, Quantiles.columnName(level), "the quantile " + Quantiles.text(level))));
        }
        Dataset<Row> rows = dataset.select(read.toArray(new Column[0])).where(col(getLabelCol()).isNotNull());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        EvaluationSums sums = ForecastRows.sums(sc, rows.javaRDD(), levels, uid + ": scoring forecasts");
        if (sums.elements() == 0) {
            throw new IllegalArgumentException(uid + ": no row has a label to score");
        }
        return sums;
    }

    private String checked(StructType schema, String column, String what) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(uid + ": " + what + " reads column '" + column + "', which is not in "
                    + Arrays.toString(schema.fieldNames()));
        }
        DataType type = schema.apply(column).dataType();
        if (!(type instanceof NumericType) && !(type instanceof ArrayType array
                && array.elementType() instanceof NumericType)) {
            throw new IllegalArgumentException(uid + ": column '" + column + "' is " + type.simpleString()
                    + ", expected a number or an array of numbers");
        }
        return column;
    }

    public String getLabelCol() { return getOrDefault(labelCol); }
    public ForecastEvaluator setLabelCol(String value) { set(labelCol, value); return this; }
    public String getPredictionCol() { return getOrDefault(predictionCol); }
    public ForecastEvaluator setPredictionCol(String value) { set(predictionCol, value); return this; }
    public String getMetricName() { return getOrDefault(metricName); }
    public ForecastEvaluator setMetricName(String value) { set(metricName, value); return this; }
    public String getQuantiles() { return getOrDefault(quantiles); }
    public ForecastEvaluator setQuantiles(String value) { set(quantiles, value); return this; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> metricName() { return metricName; }
    public Param<String> quantiles() { return quantiles; }
}
