package org.sparkrnn.driver.data.records;

import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.driver.DataFormatError;

import java.io.Serializable;

/**
 * Checks records against the shape of their data set (the first record's, or a saved model's) and appends them to a
 * batch: the same rules and the same messages for every source of records (JSON Lines, DataFrame rows).
 */
public final class RecordChecker implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String unit;
    private final RecordShape shape;

    /**
     * @param source what errors name: a file, or a DataFrame's columns
     * @param unit   what records are counted in: "line" or "row"
     */
    public RecordChecker(String source, String unit, RecordShape shape) {
        this.source = source;
        this.unit = unit;
        this.shape = shape;
    }

    /**
     * The shape of a data set, from its first record.
     *
     * @param classification labels are class ids (else values)
     * @param classes        K when known, 0 to infer it from the data
     * @param requireLabels  false for prediction, where labels are ignored
     */
    public static RecordShape inferShape(String source, String unit, long line, SequenceRecord raw,
                                         boolean classification, int classes, boolean requireLabels) {
        int inputSize = raw.steps.get(0).length;
        if (!requireLabels) {
            return new RecordShape(inputSize, false, LabelShape.PER_SEQUENCE, LabelKind.NONE, 0, 0);
        }
        LabelShape labelShape;
        Object first;
        if (raw.hasLabels) {
            labelShape = LabelShape.PER_STEP;
            first = raw.labels.stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
            if (first == null) {
                throw new DataFormatError(source, unit, line, "every entry of \"labels\" is null; the first record must have"
                        + " at least one labelled step");
            }
        } else {
            labelShape = LabelShape.PER_SEQUENCE;
            first = raw.label;
        }
        if (classification) {
            if (!(first instanceof Double)) {
                throw new DataFormatError(source, unit, line, "a class label must be an integer id, got an array");
            }
            return new RecordShape(inputSize, false, labelShape, LabelKind.CLASSES, 1, classes);
        }
        int width = first instanceof double[] values ? values.length : 1;
        if (width == 0) {
            throw new DataFormatError(source, unit, line, "a label array is empty, expected at least one value");
        }
        return new RecordShape(inputSize, false, labelShape, LabelKind.VALUES, width, 0);
    }

    /** Checks that every step of {@code raw} has the shape's features, or throws naming the record. */
    public void checkFeatures(SequenceRecord raw, long line) {
        for (int t = 0; t < raw.steps.size(); t++) {
            if (raw.steps.get(t).length != shape.inputSize()) {
                throw error(line, "step " + t + " has " + raw.steps.get(t).length + " features, expected "
                        + shape.inputSize() + " (the first record had " + shape.inputSize() + ")");
            }
        }
    }

    /** Checks {@code raw} against the shape and appends it to {@code builder}, or throws naming the record. */
    public void addInto(SequenceRecord raw, long line, SequenceBatch.Builder builder) {
        checkFeatures(raw, line);
        double[][] steps = raw.steps.toArray(new double[0][]);
        if (shape.labelKind() == LabelKind.NONE) {
            if (shape.futureSteps() > 0) {
                builder.addWithFuture(steps, future(raw, line));
            } else {
                builder.add(steps);
            }
            return;
        }
        if (shape.labelShape() == LabelShape.PER_SEQUENCE) {
            if (!raw.hasLabel) {
                throw error(line, "no \"label\" field; the first record had one"
                        + (raw.hasLabels ? " (this one has per-step \"labels\")" : ""));
            }
            if (shape.labelKind() == LabelKind.CLASSES) {
                builder.add(steps, classId(raw.label, line, "label"));
            } else if (shape.futureSteps() > 0) {
                builder.add(steps, values(raw.label, line, "label"), future(raw, line));
            } else {
                builder.add(steps, values(raw.label, line, "label"));
            }
            return;
        }
        if (!raw.hasLabels) {
            throw error(line, "no \"labels\" field; the first record had per-step labels");
        }
        if (raw.labels.size() != steps.length) {
            throw error(line, "\"labels\" has " + raw.labels.size() + " entries for "
                    + steps.length + " steps, expected one per step (null for an unlabelled step)");
        }
        if (shape.labelKind() == LabelKind.CLASSES) {
            int[] classes = new int[steps.length];
            for (int t = 0; t < classes.length; t++) {
                Object entry = raw.labels.get(t);
                classes[t] = entry == null ? SequenceBatch.UNLABELLED : classId(entry, line, "step " + t + " label");
            }
            builder.addPerStep(steps, classes);
        } else {
            double[][] targets = new double[steps.length][];
            for (int t = 0; t < targets.length; t++) {
                Object entry = raw.labels.get(t);
                targets[t] = entry == null ? null : values(entry, line, "step " + t + " label");
            }
            builder.addPerStep(steps, targets);
        }
    }

    /** A record's future rows, flat (S × I), checked against the shape. */
    private double[] future(SequenceRecord raw, long line) {
        int steps = shape.futureSteps();
        if (raw.future == null || raw.future.size() != steps) {
            throw error(line, "the rows of the steps it predicts are " + (raw.future == null ? "missing"
                    : raw.future.size()) + ", the forecast decoder reads " + steps);
        }
        double[] flat = new double[steps * shape.inputSize()];
        for (int s = 0; s < steps; s++) {
            double[] row = raw.future.get(s);
            if (row.length != shape.inputSize()) {
                throw error(line, "future row " + s + " has " + row.length + " inputs, expected " + shape.inputSize());
            }
            System.arraycopy(row, 0, flat, s * row.length, row.length);
        }
        return flat;
    }

    private int classId(Object label, long line, String what) {
        if (!(label instanceof Double d)) {
            throw error(line, what + " is an array, expected an integer class id");
        }
        double value = d;
        if (value != Math.rint(value)) {
            throw error(line, what + " " + value + " is not a class id (an integer)");
        }
        int k = shape.classes();
        if (value < 0 || (k > 0 && value >= k)) {
            throw error(line, what + " class id " + (long) value + " is outside [0, "
                    + (k > 0 ? String.valueOf(k) : "K") + ")");
        }
        return (int) value;
    }

    private double[] values(Object label, long line, String what) {
        double[] row = label instanceof Double d ? new double[] {d} : (double[]) label;
        if (row.length != shape.labelWidth()) {
            throw error(line, what + " has " + row.length + " value(s), expected "
                    + shape.labelWidth() + " (" + shape.describeLabels() + ", as the first record)");
        }
        return row;
    }

    private DataFormatError error(long line, String problem) {
        return new DataFormatError(source, unit, line, problem);
    }
}
