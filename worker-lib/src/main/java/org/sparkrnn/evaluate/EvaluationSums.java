package org.sparkrnn.evaluate;

/**
 * Sums from which every validation metric is formed once all partitions are merged: the loss sum and its count
 * (as the training loss), and per task the squared and absolute errors in the targets' original units
 * (regression) or the number of correct predictions (classification). A wire type; {@link #merge} mutates and
 * returns this, never its argument.
 */
public final class EvaluationSums implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private double lossSum;
    private long lossCount;
    private double squaredError;   // Σ (ŷ − y)², original units
    private double absoluteError;  // Σ |ŷ − y|, original units
    private long elements;         // labelled output values (regression)
    private long correct;          // argmax == class (classification)
    private long labelledSteps;
    private double[] squaredByValue;  // per value of a label (e.g. per horizon), original units; null: none yet
    private double[] absoluteByValue;
    private long[] countByValue;
    private ForecastSums forecast;    // quantile and forecasting metrics (data units), or null

    public EvaluationSums() {
    }

    public static EvaluationSums of(double lossSum, long lossCount, double squaredError, double absoluteError,
                                    long elements, long correct, long labelledSteps) {
        EvaluationSums sums = new EvaluationSums();
        sums.lossSum = lossSum;
        sums.lossCount = lossCount;
        sums.squaredError = squaredError;
        sums.absoluteError = absoluteError;
        sums.elements = elements;
        sums.correct = correct;
        sums.labelledSteps = labelledSteps;
        return sums;
    }

    /** As {@link #of}, with the sums per value of a label (null: none). */
    public static EvaluationSums of(double lossSum, long lossCount, double squaredError, double absoluteError,
                                    long elements, long correct, long labelledSteps, double[] squaredByValue,
                                    double[] absoluteByValue, long[] countByValue) {
        EvaluationSums sums = of(lossSum, lossCount, squaredError, absoluteError, elements, correct, labelledSteps);
        sums.squaredByValue = squaredByValue;
        sums.absoluteByValue = absoluteByValue;
        sums.countByValue = countByValue;
        return sums;
    }

    /**
     * One error of value {@code index} of a label (of {@code width} values: e.g. one per horizon) in original units,
     * into the sums per value; the totals are added by {@code addRegression}.
     */
    void addValueError(int index, int width, double error) {
        if (squaredByValue == null) {
            squaredByValue = new double[width];
            absoluteByValue = new double[width];
            countByValue = new long[width];
        }
        squaredByValue[index] += error * error;
        absoluteByValue[index] += Math.abs(error);
        countByValue[index]++;
    }

    void addRegression(double loss, long lossUnits, double squared, double absolute, long values) {
        lossSum += loss;
        lossCount += lossUnits;
        squaredError += squared;
        absoluteError += absolute;
        elements += values;
        labelledSteps++;
    }

    void addClassification(double loss, boolean hit) {
        lossSum += loss;
        lossCount++;
        correct += hit ? 1 : 0;
        labelledSteps++;
    }

    /**
     * One forecast value already in the data's units (a row of forecasts scored by Spark ML's evaluator): its
     * actual, the point forecast and the quantiles at {@code levels} (empty: a point forecast), as value 0 of a
     * label of one value.
     */
    public void addForecast(double actual, double point, double[] levels, double[] quantiles) {
        double error = point - actual;
        addRegression(error * error, 1, error * error, Math.abs(error), 1);
        forecastSums(levels, 1).add(0, actual, point, quantiles, Double.NaN);
    }

    /** This with the forecasting sums {@code forecast} (null: none), for the wire. */
    public EvaluationSums withForecast(ForecastSums forecast) {
        this.forecast = forecast;
        return this;
    }

    /** The forecasting metrics' sums (quantiles, intervals, sMAPE, MASE) or null when none were scored. */
    public ForecastSums forecast() {
        return forecast;
    }

    /** The forecasting sums for {@code levels} and labels of {@code width} values, made when first needed. */
    ForecastSums forecastSums(double[] levels, int width) {
        if (forecast == null) {
            forecast = new ForecastSums(levels, width);
        }
        return forecast;
    }

    public EvaluationSums merge(EvaluationSums other) {
        if (other.forecast != null) {
            forecast = forecast == null ? new ForecastSums(other.forecast.levels(), other.forecast.width())
                    .merge(other.forecast) : forecast.merge(other.forecast);
        }
        lossSum += other.lossSum;
        lossCount += other.lossCount;
        squaredError += other.squaredError;
        absoluteError += other.absoluteError;
        elements += other.elements;
        correct += other.correct;
        labelledSteps += other.labelledSteps;
        if (other.squaredByValue != null) {
            if (squaredByValue == null) {
                squaredByValue = new double[other.squaredByValue.length];
                absoluteByValue = new double[other.squaredByValue.length];
                countByValue = new long[other.squaredByValue.length];
            }
            for (int j = 0; j < squaredByValue.length; j++) {
                squaredByValue[j] += other.squaredByValue[j];
                absoluteByValue[j] += other.absoluteByValue[j];
                countByValue[j] += other.countByValue[j];
            }
        }
        return this;
    }

    /** Σ (ŷ − y)² per value of a label (original units), or null without regression values. */
    public double[] squaredByValue() {
        return squaredByValue;
    }

    /** Σ |ŷ − y| per value of a label (original units), or null. */
    public double[] absoluteByValue() {
        return absoluteByValue;
    }

    /** The errors summed per value of a label, or null. */
    public long[] countByValue() {
        return countByValue;
    }

    public double lossSum() {
        return lossSum;
    }

    public long lossCount() {
        return lossCount;
    }

    public double squaredError() {
        return squaredError;
    }

    public double absoluteError() {
        return absoluteError;
    }

    public long elements() {
        return elements;
    }

    public long correct() {
        return correct;
    }

    public long labelledSteps() {
        return labelledSteps;
    }
}
