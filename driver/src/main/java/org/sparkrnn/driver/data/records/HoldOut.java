package org.sparkrnn.driver.data.records;

import java.util.SplittableRandom;

/**
 * Which sequences (by their global index in file order) are held out for validation: a seeded random fraction,
 * decided per index so it does not depend on partitioning, or the tail of the data set.
 */
public record HoldOut(double fraction, boolean tail, long seed, long total) implements ValidationRule {

    @Override
    public boolean isValidation(long index) {
        if (fraction <= 0) {
            return false;
        }
        if (tail) {
            return index >= total - Math.round(fraction * total);
        }
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index).nextDouble() < fraction;
    }
}
