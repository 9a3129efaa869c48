package org.sparkrnn.data;

/** What a label is. */
public enum LabelKind {
    /** V real values (regression). */
    VALUES,
    /** One integer class id in [0, K) (classification). */
    CLASSES,
    /** No labels: sequences to predict for. */
    NONE
}
