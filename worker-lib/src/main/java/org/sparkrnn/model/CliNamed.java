package org.sparkrnn.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** An enum whose constants have the names users type (on the command line, in settings files). */
public interface CliNamed {

    String cliName();

    /** The constant named {@code name}, or an error listing the names there are. */
    static <E extends Enum<E> & CliNamed> E parse(Class<E> type, String name, String what) {
        E[] constants = type.getEnumConstants();
        for (E constant : constants) {
            if (constant.cliName().equals(name)) {
                return constant;
            }
        }
        String names = Arrays.stream(constants).map(CliNamed::cliName).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unknown " + what + " '" + name + "', expected one of " + names);
    }
}
