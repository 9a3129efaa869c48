package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.config.SettingError;

import java.util.ArrayList;
import java.util.List;

/** Option texts that are not a plain number or name: read once, at the command line's boundary. */
final class OptionText {

    private OptionText() {
    }

    /** {@code 64,32} → [64, 32]. */
    static List<Integer> sizes(String key, String text) {
        List<Integer> sizes = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            try {
                sizes.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new SettingError("{--" + key + "} needs one size >= 1 per layer, e.g. {--" + key + "} 64 or {--"
                        + key + "} 64,64; got '" + text + "'");
            }
        }
        return sizes;
    }

    /** A count, or {@code all} (0). */
    static int countOrAll(String key, String text) {
        if (text.equals("all")) {
            return 0;
        }
        int count;
        try {
            count = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new SettingError("{--" + key + "} must be a number or 'all', got '" + text + "'");
        }
        if (count < 1) {
            throw new SettingError("{--" + key + "} must be at least 1 (or all), got " + count);
        }
        return count;
    }

    /** A number, or {@code keep} (null). */
    static Double numberOrKeep(String key, String text) {
        if (text.equals("keep")) {
            return null;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new SettingError("{--" + key + "} must be a number or 'keep', got '" + text + "'");
        }
    }

    /** A duration: a number and a unit, ms, s, min, h or d (e.g. 500ms, 10s, 1min, 12h, 7d). */
    static java.time.Duration duration(String key, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|min|h|d)").matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new SettingError("{--" + key + "} '" + text + "': expected a duration such as 500ms, 10s, 1min,"
                    + " 12h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> java.time.Duration.ofMillis(n);
            case "s" -> java.time.Duration.ofSeconds(n);
            case "min" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        };
    }
}
