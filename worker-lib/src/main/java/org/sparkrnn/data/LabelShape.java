package org.sparkrnn.data;

/** Where the labels of a sequence sit. */
public enum LabelShape {
    /** Many-to-one: one label per sequence, compared with the head's output at the sequence's last step. */
    PER_SEQUENCE,
    /** Many-to-many: one label per step; a step may be unlabelled. */
    PER_STEP
}
