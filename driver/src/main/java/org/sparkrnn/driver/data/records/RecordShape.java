package org.sparkrnn.driver.data.records;

import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;

import java.io.Serializable;

/**
 * What every sequence of a data set must look like: I features per step (or one-hot over a vocabulary of I tokens),
 * labels per sequence or per step, V values or one class id of K. JSON Lines infers it from the first record.
 *
 * @param classes     K for class labels (0 while unknown), else 0
 * @param futureSteps S: each sequence carries the input rows of the S steps it predicts (a long table's windows for
 *                    a forecast decoder), else 0
 * @param knownInputs which inputs of those rows are known in advance (null without future rows)
 * @param staticCategories a long table's static columns and their categories (none for a numeric one; a text one's
 *                    values, each a one-hot input), as the model was trained; null without statics
 */
public record RecordShape(int inputSize, boolean oneHot, LabelShape labelShape, LabelKind labelKind, int labelWidth,
                          int classes, int futureSteps, java.util.List<Integer> knownInputs,
                          java.util.Map<String, java.util.List<String>> staticCategories) implements Serializable {

    public RecordShape(int inputSize, boolean oneHot, LabelShape labelShape, LabelKind labelKind, int labelWidth,
                       int classes) {
        this(inputSize, oneHot, labelShape, labelKind, labelWidth, classes, 0, null, null);
    }

    public RecordShape withClasses(int k) {
        return new RecordShape(inputSize, oneHot, labelShape, labelKind, labelWidth, k, futureSteps, knownInputs,
                staticCategories);
    }

    /** This shape with each sequence's {@code steps} future rows, of which {@code known} inputs are read. */
    public RecordShape withFuture(int steps, java.util.List<Integer> known) {
        return new RecordShape(inputSize, oneHot, labelShape, labelKind, labelWidth, classes, steps,
                java.util.List.copyOf(known), staticCategories);
    }

    /** This shape with the static columns' categories it was read with. */
    public RecordShape withStaticCategories(java.util.Map<String, java.util.List<String>> categories) {
        return new RecordShape(inputSize, oneHot, labelShape, labelKind, labelWidth, classes, futureSteps,
                knownInputs, new java.util.TreeMap<>(categories));
    }

    /** V: the head's outputs (K for classification). */
    public int outputs() {
        return labelKind == LabelKind.CLASSES ? classes : labelWidth;
    }

    public String describeLabels() {
        String where = labelShape == LabelShape.PER_STEP ? "per-step " : "";
        return switch (labelKind) {
            case CLASSES -> where + "class ids";
            case VALUES -> where + (labelWidth == 1 ? "numbers" : "arrays of " + labelWidth + " numbers");
            case NONE -> "no labels";
        };
    }
}
