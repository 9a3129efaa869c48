package org.sparkrnn.driver.config;

import org.sparkrnn.model.InitOptions;

/**
 * Every default of a setting, in one place, as the text a user would type (picocli shows them in --help; settings
 * files, the Spark ML params and the commands that have no such option use the same constants). Optimizer
 * hyper-parameters not listed here default as torch.optim does ({@link org.sparkrnn.optim.OptimizerSettings#defaultsFor}).
 */
public final class Defaults {

    private Defaults() {
    }

    public static final String MASTER = "local[*]";

    // data
    public static final String FORMAT = "jsonl";
    public static final String VALIDATION_FRACTION = "0";
    public static final String SPLIT = "random";
    public static final String WINDOW = "" + Values.WINDOW;
    public static final String HORIZON = "" + Values.HORIZON;
    public static final String STRIDE = "" + Values.STRIDE;
    public static final String MISSING = "skip";
    public static final String DELIMITER = ",";
    public static final String TASK = "regression";
    public static final String CLASSES = "" + Values.CLASSES;
    public static final String NORMALIZE = "none";
    public static final String PARTITIONS = "0";
    public static final String ON_BAD_RECORD = "fail";
    public static final String OUTPUT_FORMAT = "jsonl";
    /** lstm-spark stream: a micro-batch every 10 seconds, until stopped. */
    public static final String STREAM_TRIGGER = "processing-time=10s";
    /** Spark's key for a stream's state store, and the store the command line sets unless the user chose one. */
    public static final String STATE_STORE_KEY = "spark.sql.streaming.stateStore.providerClass";
    public static final String STATE_STORE = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";
    /** With that store, each commit writes a changelog (snapshots in the background): docs/PERFORMANCE.md §12. */
    public static final String STATE_STORE_CHANGELOG_KEY =
            "spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled";
    /** stream --source kafka: a new query reads what the topic holds (the series' state fills from it). */
    public static final String KAFKA_STARTING_OFFSETS = "earliest";

    // model
    public static final String CELL = "lstm";
    public static final String HIDDEN = "64";
    public static final String ACTIVATION = "tanh";
    public static final String DROPOUT = "0";
    public static final String POOLING = "last";
    /** No forecast decoder. */
    public static final String DECODER_HIDDEN = "0";
    public static final String LOSS = "auto";
    /** The seasonal naive's season the forecasting metrics compare with (1: the last value). */
    public static final String SEASON = "1";
    /** How many cutoffs a backtest scores. */
    public static final String ORIGINS = "3";
    /** The quantile levels a distribution model forecasts and is scored at unless told: the 80% and 50% intervals. */
    public static final String QUANTILES = "0.1,0.25,0.5,0.75,0.9";
    public static final String INIT_SCHEME = "pytorch";
    /** {@link InitOptions#DEFAULT_FORGET_GATE_BIAS} as text; "keep" keeps the scheme's draw. */
    public static final String FORGET_BIAS = "" + InitOptions.DEFAULT_FORGET_GATE_BIAS;

    // optimization
    public static final String OPTIMIZER = "adam";
    public static final String MOMENTUM = "0";
    public static final String WEIGHT_DECAY = "0";
    public static final String CLIP_NORM = "0";
    public static final String SCHEDULE = "constant";
    public static final String STEP_SIZE = "" + Values.STEP_SIZE;
    public static final String GAMMA = "" + Values.GAMMA;
    public static final String MIN_LR = "0"; // Values.MIN_LR, written as users write it
    public static final String WARMUP = "0";

    // loop
    public static final String ITERATIONS = "" + Values.ITERATIONS;
    public static final String EPOCHS = "10";
    public static final String BATCH_SIZE = "32";
    public static final String TBPTT = "0";
    public static final String PRECISION = "float32";
    public static final String AGGREGATION = "tree";
    public static final String AGGREGATION_DEPTH = "" + Values.AGGREGATION_DEPTH;
    /** {@link InitOptions#DEFAULT_SEED} as text: initialisation, batch order, random splits. */
    public static final String SEED = "" + Values.SEED;
    public static final String VALIDATE_EVERY = "0";
    public static final String PATIENCE = "0";
    public static final String LOG_EVERY = "1";
    public static final String CHECKPOINT_EVERY = "100";
    public static final String KEEP_CHECKPOINTS = "3";
    public static final String MODEL_DIR = "model";

    // prediction
    public static final String HANDLE_INVALID = "error";

    // sample
    public static final String SAMPLE_LENGTH = "400";
    public static final String SAMPLE_TEMPERATURE = "0.8";
    public static final String SAMPLE_PRIME = "The ";

    /**
     * A numeric default above as its number, for front ends whose settings hold numbers (the estimators' params):
     * {@code "0.5"} → 0.5; parsed here, so that nothing outside this package parses a default.
     */
    public static double real(String defaultText) {
        return Double.parseDouble(defaultText);
    }

    /** A whole-number default above as its number ({@code "all"}, the batch size of everything, is 0). */
    public static int whole(String defaultText) {
        return defaultText.equals("all") ? 0 : Integer.parseInt(defaultText);
    }

    /** {@link #HIDDEN} as the layer sizes it names. */
    public static int[] hiddenSizes() {
        return java.util.Arrays.stream(HIDDEN.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /**
     * The defaults above that code uses as numbers, typed once: the texts above are made from these (so the two
     * cannot differ), and nothing outside this package parses a default.
     */
    public static final class Values {

        private Values() {
        }

        public static final int WINDOW = 32;
        public static final int HORIZON = 1;
        public static final int STRIDE = 1;
        public static final int CLASSES = 0;
        public static final int STEP_SIZE = 100;
        public static final double GAMMA = 0.1;
        public static final double MIN_LR = 0.0;
        public static final long ITERATIONS = 0;
        public static final int AGGREGATION_DEPTH = 2;
        public static final long SEED = InitOptions.DEFAULT_SEED;
        /** Sequences per kernel call when a partition is scored: memory follows this, not the partition's size. */
        public static final int CHUNK_SIZE = 256;
    }
}
