package org.sparkrnn.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An enum whose constants have the names users type (on the command line, in settings files). The one lookup of a
 * constant by name ({@link #find}); the driver's settings turn an unknown name into their own error
 * ({@code config.Choices}), code below them into {@link IllegalArgumentException} ({@link #parse}).
 */
public interface CliNamed {

    String cliName();

    /** The constant of {@code type} named {@code name}, or null. */
    static <E extends Enum<E> & CliNamed> E find(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.cliName().equals(name)) {
                return constant;
            }
        }
        return null;
    }

    /** The names of {@code type}'s constants, comma-separated. */
    static <E extends Enum<E> & CliNamed> String names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(CliNamed::cliName).collect(Collectors.joining(", "));
    }

    /** The constant named {@code name}, or an error listing the names there are. */
    static <E extends Enum<E> & CliNamed> E parse(Class<E> type, String name, String what) {
        E constant = find(type, name);
        if (constant == null) {
            throw new IllegalArgumentException("unknown " + what + " '" + name + "', expected one of "
                    + names(type));
        }
        return constant;
    }
}
