package org.sparkrnn.driver.ml;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How an estimator param maps to its command-line option: the option's name in camelCase, the value as the command
 * line writes it. The few options whose text is not the param's value are spelled out here.
 */
final class MlParams {

    /** Params whose option name is not their name in kebab case. */
    private static final Map<String, String> OPTION_NAMES = Map.of("initFile", "init");

    private static final Pattern OPTION = Pattern.compile("--([a-z][a-z0-9-]*)");

    private MlParams() {
    }

    /** {@code weightDecay} → {@code weight-decay}. */
    static String optionName(String param) {
        String known = OPTION_NAMES.get(param);
        return known != null ? known : param.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    /** {@code weight-decay} → {@code weightDecay}. */
    static String paramName(String option) {
        for (Map.Entry<String, String> e : OPTION_NAMES.entrySet()) {
            if (e.getValue().equals(option)) {
                return e.getKey();
            }
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

    /** The option's text for a param value: arrays comma-separated, batchSize 0 = all, forgetBias NaN = keep. */
    static String optionValue(String param, Object value) {
        if (value instanceof int[] sizes) {
            return Arrays.stream(sizes).mapToObj(String::valueOf).collect(Collectors.joining(","));
        }
        if (param.equals("batchSize") && ((Integer) value) == 0) {
            return "all";
        }
        if (param.equals("forgetBias") && Double.isNaN((Double) value)) {
            return "keep";
        }
        return String.valueOf(value);
    }

    /** A command-line message with every {@code --option} replaced by its param's name. */
    static String inParamNames(String message) {
        Matcher m = OPTION.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(paramName(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
