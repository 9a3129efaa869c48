package org.sparkrnn.driver.config;

import java.util.Map;
import java.util.function.DoublePredicate;

import static java.util.Map.entry;

/**
 * The values a numeric setting admits on its own, whatever the other settings are, in one place: the configuration
 * records check their numbers with it when built, and the estimators check a param's value with it when it is set
 * ({@code setDropout(1.5)} fails there, naming {@code dropout}). Rules that involve two settings (momentum with
 * adam, dropout with one layer) are the records' own and are checked when the whole configuration is built.
 *
 * @param admits      whether a value is allowed
 * @param description what is allowed, for the message: {@code {--dropout} must be in [0, 1), got 1.5}
 */
public record Bound(DoublePredicate admits, String description) {

    public static final Bound AT_LEAST_ONE = new Bound(v -> v >= 1, "at least 1");
    public static final Bound NON_NEGATIVE = new Bound(v -> v >= 0, ">= 0");
    public static final Bound POSITIVE = new Bound(v -> v > 0, "> 0");
    public static final Bound FRACTION = new Bound(v -> v >= 0 && v < 1, "in [0, 1)");

    /** Every numeric setting by key; a key not listed admits any number. */
    private static final Map<String, Bound> BY_KEY = Map.ofEntries(
            // data
            entry("validation-fraction", FRACTION),
            entry("partitions", NON_NEGATIVE),
            entry("classes", new Bound(v -> v == 0 || v >= 2, "0 (infer) or at least 2")),
            entry("window", AT_LEAST_ONE),
            entry("horizon", AT_LEAST_ONE),
            entry("stride", AT_LEAST_ONE),
            // model
            entry("dropout", FRACTION),
            entry("decoder-hidden", NON_NEGATIVE),
            // NaN is the estimators' "keep" (the command line's --forget-bias keep is no number at all)
            entry("forget-bias", new Bound(v -> !Double.isInfinite(v), "finite or NaN")),
            // optimizer
            entry("lr", POSITIVE),
            entry("momentum", NON_NEGATIVE),
            entry("weight-decay", NON_NEGATIVE),
            entry("clip-norm", NON_NEGATIVE),
            entry("step-size", AT_LEAST_ONE),
            entry("gamma", POSITIVE),
            entry("min-lr", NON_NEGATIVE),
            entry("warmup", NON_NEGATIVE),
            // loop
            entry("iterations", NON_NEGATIVE),
            entry("epochs", POSITIVE),
            entry("batch-size", new Bound(v -> v >= 0, "at least 1 (or all)")),
            entry("tbptt", NON_NEGATIVE),
            entry("aggregation-depth", AT_LEAST_ONE),
            entry("validate-every", NON_NEGATIVE),
            entry("patience", NON_NEGATIVE),
            entry("log-every", AT_LEAST_ONE),
            entry("checkpoint-every", NON_NEGATIVE),
            entry("keep-checkpoints", AT_LEAST_ONE),
            // prediction
            entry("chunk-size", AT_LEAST_ONE));

    /** The bound of setting {@code key}, or null when any number goes. */
    public static Bound of(String key) {
        return BY_KEY.get(key);
    }

    /** Throws a {@link SettingError} naming {@code key} unless its bound admits {@code value} (NaN fails but for
     * forget-bias, where it is the estimators' "keep"). */
    public static void check(String key, double value) {
        check(key, value, Double.toString(value));
    }

    /** As {@link #check(String, double)}, for whole numbers. */
    public static void check(String key, long value) {
        check(key, value, Long.toString(value));
    }

    private static void check(String key, double value, String text) {
        Bound bound = BY_KEY.get(key);
        if (bound != null && !bound.admits.test(value)) {
            throw new SettingError("{--" + key + "} must be " + bound.description + ", got " + text);
        }
    }
}
