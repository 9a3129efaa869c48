package org.sparkrnn.driver.config;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's settings as text, option name → value, sorted: what a model directory stores as {@code config.properties}
 * and what {@code --resume} compares. Numbers are written as Java writes them ({@code 0.0}, {@code 32}); absent
 * (null) values are left out.
 */
final class Settings {

    private final Map<String, String> values = new TreeMap<>();

    void put(String key, Object value) {
        if (value != null) {
            values.put(key, String.valueOf(value));
        }
    }

    Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
