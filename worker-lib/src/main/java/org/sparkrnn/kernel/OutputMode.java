package org.sparkrnn.kernel;

/** Which head outputs an inference forward pass returns. */
public enum OutputMode {
    /** One output row per step of every sequence, in the batch's step order (row {@code stepOffset(b) + t}). */
    EVERY_STEP,
    /** One output row per sequence, at its last step (row b). */
    LAST_STEP
}
