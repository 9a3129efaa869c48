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
}
