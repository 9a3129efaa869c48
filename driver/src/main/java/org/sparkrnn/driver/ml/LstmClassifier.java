package org.sparkrnn.driver.ml;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

import java.util.ArrayList;
import java.util.List;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.Task;

/**
 * A recurrent classifier for Spark ML Pipelines: integer class ids 0..K-1 as labels (int, long, or integral doubles
 * as {@code StringIndexer} writes them), one per sequence or one per step with {@code perStepLabels}; the fitted
 * {@link LstmModel} adds {@code prediction} (the most probable class id, as a double) and {@code probability} (a
 * vector of K probabilities), as Spark's own classifiers do.
 */
public final class LstmClassifier extends RecurrentEstimator<LstmClassifier> {

    private static final long serialVersionUID = 1L;

    private final Param<String> probabilityCol;
    private final IntParam classes;

    public LstmClassifier(String uid) {
        super(uid);
        probabilityCol = new Param<>(this, "probabilityCol", "class probabilities column name");
        setDefault(probabilityCol, "probability");
        classes = new IntParam(this, "classes", "number of classes K: 0 (infer: largest class id + 1) or at least"
                + " 2", ParamChecks.bound(this, "classes"));
        setDefault(classes, Defaults.Values.CLASSES);
    }

    public LstmClassifier() {
        this(Identifiable.randomUID("lstmClassifier"));
    }

    @Override
    protected Task task() {
        return Task.CLASSIFICATION;
    }

    @Override
    protected int classCount() {
        return (Integer) getOrDefault(classes);
    }

    @Override
    protected String probabilityColumn() {
        return getProbabilityCol();
    }

    @Override
    public List<Param<?>> trainingParams() {
        List<Param<?>> params = new ArrayList<>(super.trainingParams());
        params.add(classes);
        return params;
    }

    public Param<String> probabilityCol() { return probabilityCol; }
    public IntParam classes() { return classes; }
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }
    public LstmClassifier setProbabilityCol(String value) { set(probabilityCol, value); return this; }
    public LstmClassifier setClasses(int value) { set(classes, value); return this; }

    public static MLReader<LstmClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static LstmClassifier load(String path) {
        return read().load(path);
    }
}
