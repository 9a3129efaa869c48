package org.sparkrnn.driver.config;

import org.sparkrnn.data.WindowTransform;

import java.io.Serializable;
import java.util.List;

/**
 * How the project's own series formats are cut into windows: one CSV column (csv windows) or a text's characters
 * (text windows, which read only {@code window}). A long table's windows are its {@link TableLayout}'s instead: each
 * setting has one home. Which options were given is known ({@link #given}), not guessed from their defaults, so that
 * one a format has no use for is refused.
 *
 * @param column         csv: the value column (a name, or a 1-based position without a header), or null: the only
 *                       numeric column
 * @param timeColumn     csv: a column naming each row's time (for {@code validateFrom}), or null
 * @param window         steps per window
 * @param horizon        csv: the target is the value this many steps after a window's last step
 * @param validateFrom   csv: windows whose target time is at or after this go to validation, or null
 * @param missing        csv: what gaps do
 * @param windowTransform csv: how each window is expressed from itself ({@link WindowTransform})
 * @param given          the settings given (as {@code {--option}} templates), in the order above
 */
public record ColumnWindows(String column, String timeColumn, int window, int horizon, String validateFrom,
                            MissingValues missing, WindowTransform windowTransform, List<String> given)
        implements Serializable {

    public ColumnWindows {
        Bound.check("window", window);
        Bound.check("horizon", horizon);
        java.util.Objects.requireNonNull(missing, "missing");
        java.util.Objects.requireNonNull(windowTransform, "windowTransform");
        given = List.copyOf(given);
    }

    /** Every setting at its default: what csv and text read when none is given. */
    public static ColumnWindows defaults() {
        return new ColumnWindows(null, null, Defaults.Values.WINDOW, Defaults.Values.HORIZON, null,
                MissingValues.SKIP, WindowTransform.NONE, List.of());
    }

    /** These windows as they are read (prediction applies the model's own input transform). */
    public ColumnWindows absolute() {
        return new ColumnWindows(column, timeColumn, window, horizon, validateFrom, missing,
                WindowTransform.NONE, given);
    }
}
