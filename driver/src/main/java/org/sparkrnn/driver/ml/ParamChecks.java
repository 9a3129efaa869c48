package org.sparkrnn.driver.ml;

import org.apache.spark.ml.util.Identifiable;
import org.sparkrnn.driver.config.Bound;
import org.sparkrnn.driver.config.Choices;
import org.sparkrnn.driver.config.LossSetting;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.TrainingConfig;
import org.sparkrnn.model.CliNamed;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The validators of the estimators' and the model's params, so that a bad value fails when it is set
 * ({@code setDropout(1.5)}, a {@code ParamGridBuilder} grid, a loaded pipeline's metadata) rather than at
 * {@code fit}: each asks the typed configuration's own rule for its setting ({@link Bound} for numbers,
 * {@link Choices} for names) and throws an {@link IllegalArgumentException} in the estimators' words:
 * {@code lstmRegressor_4f1c: dropout must be in [0, 1), got 1.5}. Spark's own check would only say
 * "given invalid value".
 */
final class ParamChecks {

    private ParamChecks() {
    }

    /** A param validator that Spark can serialize with its owner. */
    interface Check<T> extends scala.Function1<T, Object>, Serializable {
    }

    /** A numeric param checked by the {@link Bound} of setting {@code key}. */
    static Check<Object> bound(Identifiable owner, String key) {
        return value -> rendered(owner, () -> {
            if (value instanceof Double || value instanceof Float) {
                Bound.check(key, ((Number) value).doubleValue());
            } else {
                Bound.check(key, ((Number) value).longValue());
            }
        });
    }

    /** A param naming one of {@code type}'s constants (or one of {@code extra}, e.g. "auto"). */
    static <E extends Enum<E> & CliNamed> Check<String> choice(Identifiable owner, String key, Class<E> type,
                                                               String... extra) {
        return value -> rendered(owner, () -> {
            if (!Arrays.asList(extra).contains(value)) {
                try {
                    Choices.parse(key, value, type);
                } catch (SettingError e) {
                    throw extra.length == 0 ? e : new SettingError(e.template() + ", " + String.join(", ", extra));
                }
            }
        });
    }

    /** A loss as {@code --loss} takes it: auto, a loss's name, or quantile:LEVELS ({@link LossSetting}). */
    static Check<String> loss(Identifiable owner) {
        return value -> rendered(owner, () -> LossSetting.parse(value));
    }

    /** The hidden sizes: one or more, each at least 1. */
    static Check<int[]> hidden(Identifiable owner) {
        return value -> rendered(owner, () -> TrainingConfig.Model.checkHidden(
                value == null ? null : Arrays.stream(value).boxed().toList()));
    }

    /** A param that names one of {@code names}. */
    static Check<String> oneOf(Identifiable owner, String key, String... names) {
        return value -> rendered(owner, () -> {
            if (!Arrays.asList(names).contains(value)) {
                throw new SettingError("unknown {" + key + "} '" + value + "', expected one of "
                        + String.join(", ", names));
            }
        });
    }

    /** True when {@code check} passes; its {@link SettingError} in the params' names otherwise. */
    private static Object rendered(Identifiable owner, Runnable check) {
        try {
            check.run();
            return true;
        } catch (SettingError e) {
            throw new IllegalArgumentException(owner.uid() + ": " + e.renderKeys(MlParams::paramName), e);
        }
    }
}
