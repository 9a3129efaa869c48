package org.sparkrnn.model;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Quantile levels as users write and read them: a list such as {@code 0.05,0.5,0.95} (each in (0, 1), ascending,
 * distinct), and the column each level's forecasts go to ({@code p05}, {@code p50}, {@code p95}; {@code p97_5} for
 * 0.975), and the central intervals a list of levels holds (0.1 with 0.9: the 80% interval).
 */
public final class Quantiles {

    private Quantiles() {
    }

    /**
     * The levels of {@code text} (comma-separated); {@code what} names the option in the one-line error a bad list
     * gets (a level outside (0, 1), not a number, not ascending, repeated).
     */
    public static List<Double> parse(String text, String what) {
        List<Double> levels = new ArrayList<>();
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " needs quantile levels such as 0.1,0.5,0.9");
        }
        for (String part : text.split(",", -1)) {
            double level;
            try {
                level = Double.parseDouble(part.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": '" + part.trim() + "' is not a quantile level (a number"
                        + " in (0, 1) such as 0.9)");
            }
            if (!(level > 0 && level < 1)) {
                throw new IllegalArgumentException(what + ": quantile level " + part.trim() + " is outside (0, 1)");
            }
            if (!levels.isEmpty() && level <= levels.get(levels.size() - 1)) {
                throw new IllegalArgumentException(what + ": quantile levels must be ascending and distinct ("
                        + part.trim() + " after " + text(levels.get(levels.size() - 1)) + ")");
            }
            levels.add(level);
        }
        return List.copyOf(levels);
    }

    /** A level as written: the shortest decimal that reads back as it ({@code 0.1}, {@code 0.975}). */
    public static String text(double level) {
        return BigDecimal.valueOf(level).stripTrailingZeros().toPlainString();
    }

    /** The levels as a list option gives them: {@code 0.1,0.5,0.9}. */
    public static String text(List<Double> levels) {
        return String.join(",", levels.stream().map(Quantiles::text).toList());
    }

    /** The column of a level's forecasts: {@code p} and its percentage, {@code _} for a decimal point. */
    public static String columnName(double level) {
        String percent = BigDecimal.valueOf(level).movePointRight(2).stripTrailingZeros().toPlainString();
        int point = percent.indexOf('.');
        String whole = point < 0 ? percent : percent.substring(0, point);
        String fraction = point < 0 ? "" : "_" + percent.substring(point + 1);
        return "p" + (whole.length() < 2 ? "0" + whole : whole) + fraction;
    }

    /**
     * The central intervals among {@code levels}: each pair τ, 1 − τ with τ < 0.5 both present, as
     * {lower index, upper index}, narrowest last.
     */
    public static List<int[]> centralIntervals(double[] levels) {
        List<int[]> intervals = new ArrayList<>();
        for (int lo = 0; lo < levels.length; lo++) {
            if (levels[lo] >= 0.5) {
                break;
            }
            for (int hi = levels.length - 1; hi > lo; hi--) {
                if (Math.abs(levels[hi] - (1 - levels[lo])) < 1e-12) {
                    intervals.add(new int[] {lo, hi});
                }
            }
        }
        return intervals;
    }

    /** The coverage a central interval promises: 1 − 2τ, as a percentage ({@code 80} for 0.1 and 0.9). */
    public static String intervalName(double lower) {
        return BigDecimal.valueOf(1 - 2 * lower).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }
}
