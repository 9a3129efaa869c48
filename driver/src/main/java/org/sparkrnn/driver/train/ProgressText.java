package org.sparkrnn.driver.train;

import java.util.Locale;

/** How the training loop writes numbers and times in its progress lines: the same on every machine's locale. */
final class ProgressText {

    private ProgressText() {
    }

    /** A loss, norm or metric: five significant digits. */
    static String number(double v) {
        return String.format(Locale.ROOT, "%.5g", v);
    }

    /** A duration in seconds as h:mm:ss. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
