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

    public EvaluationSums merge(EvaluationSums other) {
        lossSum += other.lossSum;
        lossCount += other.lossCount;
        squaredError += other.squaredError;
        absoluteError += other.absoluteError;
        elements += other.elements;
        correct += other.correct;
        labelledSteps += other.labelledSteps;
        return this;
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
