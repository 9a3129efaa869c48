package org.sparkrnn.driver.config;

import org.sparkrnn.model.CliNamed;

/**
 * The names users type for the settings that take one of a few values, turned into their enums once: the lookup is
 * {@link CliNamed#find}'s, an unknown name a {@link SettingError} that names the setting as each front end calls it.
 */
public final class Choices {

    private Choices() {
    }

    /** The constant of {@code type} named {@code text}; an unknown name is a {@link SettingError} listing the names. */
    public static <E extends Enum<E> & CliNamed> E parse(String key, String text, Class<E> type) {
        E constant = CliNamed.find(type, text);
        if (constant == null) {
            throw new SettingError("unknown {" + key + "} '" + text + "', expected one of " + names(type));
        }
        return constant;
    }

    /** The names of {@code type}'s constants, comma-separated. */
    public static <E extends Enum<E> & CliNamed> String names(Class<E> type) {
        return CliNamed.names(type);
    }
}
