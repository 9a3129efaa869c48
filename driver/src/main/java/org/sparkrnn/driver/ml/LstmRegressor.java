package org.sparkrnn.driver.ml;

import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.sparkrnn.driver.config.Task;

/**
 * A recurrent regressor for Spark ML Pipelines: numeric labels (a double per sequence, an array of V doubles, or one
 * per step with {@code perStepLabels}); the fitted {@link LstmModel} adds {@code prediction} (a double, or an array).
 * Every training option of {@code lstm-spark train} is a param with the same default; see
 * {@link RecurrentEstimator}.
 */
public final class LstmRegressor extends RecurrentEstimator<LstmRegressor> {

    private static final long serialVersionUID = 1L;

    public LstmRegressor(String uid) {
        super(uid);
    }

    public LstmRegressor() {
        this(Identifiable.randomUID("lstmRegressor"));
    }

    @Override
    protected Task task() {
        return Task.REGRESSION;
    }

    public static MLReader<LstmRegressor> read() {
        return new DefaultParamsReader<>();
    }

    public static LstmRegressor load(String path) {
        return read().load(path);
    }
}
