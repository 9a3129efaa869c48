package org.sparkrnn.driver.scoring;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.data.frame.RowArrays;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.evaluate.EvaluationSums;

/**
 * Forecasts already in the data's units, as rows (a DataFrame a model's {@code transform} wrote): each row's actual
 * values, point forecasts and quantiles at the levels, summed for the forecasting metrics on the executors, the
 * partitions' sums merged in index order. What Spark ML's forecast evaluator scores.
 */
public final class ForecastRows {

    private ForecastRows() {
    }

    /**
     * The sums of {@code rows}: column 0 the actual (a number, or an array of one per step), 1 the point forecast
     * shaped as it, then one column per level of {@code levels} shaped as it too.
     */
    public static EvaluationSums sums(JavaSparkContext sc, JavaRDD<Row> rows, double[] levels, String description) {
        int width = levels.length;
        return new DistributedSums(sc, Defaults.Values.AGGREGATION_DEPTH).sumRows(rows, new EvaluationSums(),
                (into, row) -> {
                    double[] actual = RowArrays.doubles(row.get(0));
                    double[] point = RowArrays.doubles(row.get(1));
                    double[][] q = new double[width][];
                    for (int k = 0; k < width; k++) {
                        q[k] = RowArrays.doubles(row.get(2 + k));
                    }
                    double[] at = new double[width];
                    for (int s = 0; s < actual.length; s++) {
                        for (int k = 0; k < width; k++) {
                            at[k] = q[k][s];
                        }
                        into.addForecast(actual[s], point[s], levels, at);
                    }
                    return into;
                }, EvaluationSums::merge, description);
    }
}
