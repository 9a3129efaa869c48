package org.sparkrnn.driver.data.records;

import java.io.Serializable;

/** Decides, by a sequence's global index in file order, whether it is held out for validation. */
public interface ValidationRule extends Serializable {

    boolean isValidation(long index);

    /** Holds out exactly the windows flagged (CSV: by time). */
    record Flags(boolean[] validation) implements ValidationRule {
        @Override
        public boolean isValidation(long index) {
            return validation[(int) index];
        }
    }
}
