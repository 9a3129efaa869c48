package org.sparkrnn.driver.ml;

import java.util.Map;

/**
 * How an estimator param is named after the setting it holds: the command line's option name in camelCase
 * ({@code weight-decay} → {@code weightDecay}), with the one exception spelled out here. Errors from the typed
 * configuration name settings by key; the estimators render those keys as their params with this.
 */
final class MlParams {

    /** Params whose name is not their option's name in camelCase. */
    private static final Map<String, String> PARAM_NAMES = Map.of("init", "initFile");

    private MlParams() {
    }

    /** {@code weight-decay} → {@code weightDecay}. */
    static String paramName(String option) {
        String known = PARAM_NAMES.get(option);
        if (known != null) {
            return known;
        }
        StringBuilder name = new StringBuilder();
        boolean upper = false;
        for (char c : option.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }
}
