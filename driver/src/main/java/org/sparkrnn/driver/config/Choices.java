package org.sparkrnn.driver.config;

import org.sparkrnn.model.CliNamed;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The names users type for the settings that take one of a few values, turned into their enums once. */
public final class Choices {

    private Choices() {
    }

    /** The constant of {@code type} named {@code text}; an unknown name is a {@link SettingError} listing the names. */
    public static <E extends Enum<E> & CliNamed> E parse(String key, String text, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.cliName().equals(text)) {
                return constant;
            }
        }
        throw new SettingError("unknown {" + key + "} '" + text + "', expected one of " + names(type));
    }

    /** The names of {@code type}'s constants, comma-separated. */
    public static <E extends Enum<E> & CliNamed> String names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(CliNamed::cliName).collect(Collectors.joining(", "));
    }
}
