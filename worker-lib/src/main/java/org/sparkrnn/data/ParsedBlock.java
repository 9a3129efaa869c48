package org.sparkrnn.data;

import java.util.List;
import java.util.Objects;

/**
 * What reading one slice of input (a file split, a DataFrame partition) gives, in one pass: its training sequences,
 * its held-out sequences, and the records it rejected, each as {@code "problem TAB record"} (empty unless bad records
 * are skipped). A wire type: cached by Spark between parsing and packing.
 */
public final class ParsedBlock implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private final SequenceBatch train;
    private final SequenceBatch validation;
    private final List<String> rejects;

    public ParsedBlock(SequenceBatch train, SequenceBatch validation, List<String> rejects) {
        this.train = Objects.requireNonNull(train, "train");
        this.validation = Objects.requireNonNull(validation, "validation");
        this.rejects = List.copyOf(rejects);
    }

    public SequenceBatch train() {
        return train;
    }

    public SequenceBatch validation() {
        return validation;
    }

    /** {@code "problem TAB record"} for each rejected record, in input order. */
    public List<String> rejects() {
        return rejects;
    }
}
