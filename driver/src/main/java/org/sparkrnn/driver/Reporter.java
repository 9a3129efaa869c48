package org.sparkrnn.driver;

import java.io.PrintStream;

/**
 * Where a run's progress lines and warnings go: the one way the data layer and the training loop speak to the user
 * (the command line passes its standard output; tests and the Spark ML estimators may pass another).
 */
@FunctionalInterface
public interface Reporter {

    /** One line of progress. */
    void line(String text);

    /** A warning: something was dropped or replaced, and the run goes on. */
    default void warning(String text) {
        line("warning: " + text);
    }

    static Reporter to(PrintStream out) {
        return out::println;
    }
}
