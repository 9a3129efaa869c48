package org.sparkrnn.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * B labelled sequences of possibly different lengths, stored flat (no object per number). Sequence b has
 * {@code length(b)} steps of I features each; its steps are rows {@code stepOffset(b) .. stepOffset(b)+length(b)-1}
 * of the N × I feature matrix (N = total steps). Steps are either dense feature rows or, for symbol sequences such as
 * text, one token id in [0, I) per step standing for a one-hot row ({@link #isOneHot()}: N ints instead of N × I
 * doubles). Labels are one row per sequence ({@link LabelShape#PER_SEQUENCE})
 * or one row per step ({@link LabelShape#PER_STEP}, with a mask for unlabelled steps); a row is V values or one class.
 * A batch for a forecast decoder also carries, per sequence, the input rows of the S steps it predicts
 * ({@link #future()}: B × S × I, what is known of those steps in advance; the rest of such a row is never read).
 * Immutable once built; a wire type.
 */
public final class SequenceBatch implements SequenceBlock {

    private static final long serialVersionUID = 1L;

    /** The class id stored for an unlabelled step. */
    public static final int UNLABELLED = -1;

    private final int inputSize;
    private final int[] lengths;          // [B]
    private final int[] stepOffsets;      // [B + 1], prefix sums of lengths
    private final double[] features;      // [N × I], or null for one-hot steps
    private final int[] tokens;           // [N] one-hot index per step, or null for dense steps
    private final LabelShape labelShape;
    private final LabelKind labelKind;
    private final int labelWidth;         // V for VALUES, 1 for CLASSES
    private final double[] values;        // [rows × V] for VALUES, else null
    private final int[] classes;          // [rows] for CLASSES, else null
    private final boolean[] labelled;     // [N] for PER_STEP, else null
    private final int futureSteps;        // S, 0 without future rows
    private final double[] future;        // [B × S × I] or null
    private double[] labelScales;         // [B] or null (all 1); set once, on a new batch, by withLabelScales

    /** Dense steps; takes ownership of the arrays; prefer {@link #builder}. Checks every invariant. */
    public SequenceBatch(int inputSize, int[] lengths, double[] features, LabelShape labelShape, LabelKind labelKind,
                         int labelWidth, double[] values, int[] classes, boolean[] labelled) {
        this(inputSize, lengths, Objects.requireNonNull(features, "features"), null, labelShape, labelKind, labelWidth,
                values, classes, labelled);
    }

    /**
     * Dense ({@code features}) or one-hot ({@code tokens}) steps, exactly one of them non-null; takes ownership of
     * the arrays. Checks every invariant.
     */
    public SequenceBatch(int inputSize, int[] lengths, double[] features, int[] tokens, LabelShape labelShape,
                         LabelKind labelKind, int labelWidth, double[] values, int[] classes, boolean[] labelled) {
        this(inputSize, lengths, features, tokens, labelShape, labelKind, labelWidth, values, classes, labelled, 0,
                null);
    }

    /**
     * As the constructor above, with each sequence's {@code futureSteps} future input rows ({@code future}, B × S ×
     * I; null and 0 for none; dense steps only).
     */
    public SequenceBatch(int inputSize, int[] lengths, double[] features, int[] tokens, LabelShape labelShape,
                         LabelKind labelKind, int labelWidth, double[] values, int[] classes, boolean[] labelled,
                         int futureSteps, double[] future) {
        this.futureSteps = futureSteps;
        this.future = future;
        if ((future == null) != (futureSteps == 0) || futureSteps < 0
                || (future != null && (features == null
                || future.length != (long) lengths.length * futureSteps * inputSize))) {
            throw new IllegalArgumentException("future rows need dense steps and " + lengths.length + " sequences × "
                    + futureSteps + " steps × " + inputSize + " features, got "
                    + (future == null ? "none" : future.length + " values"));
        }
        this.inputSize = inputSize;
        this.lengths = Objects.requireNonNull(lengths, "lengths");
        this.features = features;
        this.tokens = tokens;
        this.labelShape = Objects.requireNonNull(labelShape, "labelShape");
        this.labelKind = Objects.requireNonNull(labelKind, "labelKind");
        this.labelWidth = labelWidth;
        this.values = values;
        this.classes = classes;
        this.labelled = labelled;
        if (inputSize < 1) {
            throw new IllegalArgumentException("input size must be at least 1, got " + inputSize);
        }
        stepOffsets = new int[lengths.length + 1];
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 1) {
                throw new IllegalArgumentException("sequence " + b + " is empty: a sequence needs at least one step");
            }
            stepOffsets[b + 1] = Math.addExact(stepOffsets[b], lengths[b]);
        }
        int n = stepOffsets[lengths.length];
        if ((features == null) == (tokens == null)) {
            throw new IllegalArgumentException("a batch holds either dense features or one-hot tokens");
        }
        if (features != null && features.length != (long) n * inputSize) {
            throw new IllegalArgumentException("features hold " + features.length + " values, expected " + n
                    + " steps × " + inputSize + " features");
        }
        if (tokens != null) {
            if (tokens.length != n) {
                throw new IllegalArgumentException("tokens hold " + tokens.length + " steps, expected " + n);
            }
            for (int j = 0; j < n; j++) {
                if (tokens[j] < 0 || tokens[j] >= inputSize) {
                    throw new IllegalArgumentException("step " + j + " has token " + tokens[j] + " outside [0, "
                            + inputSize + ")");
                }
            }
        }
        int rows = labelShape == LabelShape.PER_SEQUENCE ? lengths.length : n;
        if (labelKind == LabelKind.NONE) {
            if (labelShape != LabelShape.PER_SEQUENCE || labelWidth != 0 || values != null || classes != null
                    || labelled != null) {
                throw new IllegalArgumentException("an unlabelled batch has label width 0 and no labels");
            }
            return;
        }
        if (labelKind == LabelKind.VALUES) {
            if (labelWidth < 1 || values == null || classes != null || values.length != (long) rows * labelWidth) {
                throw new IllegalArgumentException("value labels need " + rows + " rows × " + labelWidth
                        + " values and no classes");
            }
        } else {
            if (labelWidth != 1 || classes == null || values != null || classes.length != rows) {
                throw new IllegalArgumentException("class labels need " + rows + " class ids, label width 1 and no values");
            }
        }
        if (labelShape == LabelShape.PER_STEP) {
            if (labelled == null || labelled.length != n) {
                throw new IllegalArgumentException("per-step labels need a mask of " + n + " steps");
            }
        } else if (labelled != null) {
            throw new IllegalArgumentException("per-sequence labels take no step mask");
        }
    }

    public static Builder builder(int inputSize, LabelShape shape, LabelKind kind, int labelWidth) {
        return new Builder(inputSize, shape, kind, labelWidth, false, 0);
    }

    /**
     * A builder of dense sequences each with {@code futureSteps} future rows ({@link #future()}), added with
     * {@link Builder#add(double[][], double[], double[])} (labelled) or {@link Builder#addWithFuture} (unlabelled).
     */
    public static Builder builder(int inputSize, LabelShape shape, LabelKind kind, int labelWidth, int futureSteps) {
        if (futureSteps < 1) {
            throw new IllegalArgumentException("future rows: at least 1 step, got " + futureSteps);
        }
        return new Builder(inputSize, shape, kind, labelWidth, false, futureSteps);
    }

    /** A builder of one-hot sequences over a vocabulary of {@code vocabularySize} tokens (I = vocabulary size). */
    public static Builder tokenBuilder(int vocabularySize, LabelShape shape, LabelKind kind, int labelWidth) {
        return new Builder(vocabularySize, shape, kind, labelWidth, true, 0);
    }

    /** A builder of unlabelled dense sequences (for prediction). */
    public static Builder unlabelledBuilder(int inputSize) {
        return new Builder(inputSize, LabelShape.PER_SEQUENCE, LabelKind.NONE, 0, false, 0);
    }

    /** S: the future rows each sequence carries (0: none). */
    public int futureSteps() {
        return futureSteps;
    }

    /**
     * The input rows of the steps each sequence predicts: B × S × I, sequence b's step s at {@code (b·S + s)·I};
     * null when the batch carries none. The array itself, not a copy: do not modify.
     */
    public double[] future() {
        return future;
    }

    /** This batch with {@code future} rows (B × S × I) for each sequence; the other arrays are shared. */
    public SequenceBatch withFuture(int steps, double[] future) {
        return new SequenceBatch(inputSize, lengths.clone(), features, tokens, labelShape, labelKind, labelWidth,
                values, classes, labelled, steps, future);
    }

    /**
     * This batch with each sequence's label scale (B values, positive): what turns its label values back into the
     * data's units (a window of a series scaled by its mean, {@code --normalize series}); a loss that needs the
     * data's own units (the negative binomial's counts) reads them. The other arrays are shared. Scales are attached
     * as a batch is made for the kernel; a stored block does not keep them (nor does the wire).
     */
    public SequenceBatch withLabelScales(double[] scales) {
        if (scales != null && scales.length != lengths.length) {
            throw new IllegalArgumentException(lengths.length + " sequences, " + scales.length + " label scales");
        }
        SequenceBatch scaled = withFuture(futureSteps, future);
        scaled.labelScales = scales;
        return scaled;
    }

    /** The label scales attached ({@link #withLabelScales}), or null (all 1). The array itself: do not modify. */
    public double[] labelScales() {
        return labelScales;
    }

    /** Sequence b's label scale ({@link #withLabelScales}; 1 when none were attached). */
    public double labelScale(int b) {
        return labelScales == null ? 1 : labelScales[b];
    }

    /** B. */
    public int size() {
        return lengths.length;
    }

    /** I. */
    public int inputSize() {
        return inputSize;
    }

    /** N, the number of steps over all sequences. */
    public int totalSteps() {
        return stepOffsets[lengths.length];
    }

    public int length(int b) {
        return lengths[b];
    }

    public int maxLength() {
        int max = 0;
        for (int length : lengths) {
            max = Math.max(max, length);
        }
        return max;
    }

    /** Row of sequence b's first step in the feature matrix (and in per-step labels). */
    public int stepOffset(int b) {
        return stepOffsets[b];
    }

    public double feature(int b, int t, int i) {
        int row = stepOffsets[b] + t;
        return tokens != null ? (tokens[row] == i ? 1.0 : 0.0) : features[row * inputSize + i];
    }

    /** True when steps are one-hot token ids ({@link #tokens()}) rather than dense rows ({@link #features()}). */
    public boolean isOneHot() {
        return tokens != null;
    }

    /** The N × I feature matrix, row-major, or null for one-hot steps; read only. */
    public double[] features() {
        return features;
    }

    /** One token id per step (N), or null for dense steps; read only. */
    public int[] tokens() {
        return tokens;
    }

    public LabelShape labelShape() {
        return labelShape;
    }

    public LabelKind labelKind() {
        return labelKind;
    }

    /** V for value labels, 1 for classes. */
    public int labelWidth() {
        return labelWidth;
    }

    /** Label row for sequence b (per-sequence) or for global step row (per-step); read only. */
    public double[] values() {
        return values;
    }

    public int[] classes() {
        return classes;
    }

    /** Per-step mask (null for per-sequence labels); read only. */
    public boolean[] labelledMask() {
        return labelled;
    }

    /** Whether step t of sequence b carries a label the loss compares with. */
    public boolean isLabelled(int b, int t) {
        if (labelKind == LabelKind.NONE) {
            return false;
        }
        if (labelShape == LabelShape.PER_SEQUENCE) {
            return t == lengths[b] - 1;
        }
        return labelled[stepOffsets[b] + t];
    }

    /** Label row index of step t of sequence b; only meaningful where {@link #isLabelled}. */
    public int labelRow(int b, int t) {
        return labelShape == LabelShape.PER_SEQUENCE ? b : stepOffsets[b] + t;
    }

    /**
     * The sequences of {@code parts}, in order, as one batch, with every array allocated once at its final size
     * (a partition of millions of steps is packed without the doubling growth of a builder). All parts must have the
     * shape of {@code like}, which also gives the shape of an empty result.
     */
    public static SequenceBatch concat(SequenceBatch like, java.util.List<SequenceBatch> parts) {
        int sequences = 0;
        int steps = 0;
        int labelRows = 0;
        for (SequenceBatch part : parts) {
            if (part.inputSize != like.inputSize || part.labelShape != like.labelShape || part.labelKind != like.labelKind
                    || part.labelWidth != like.labelWidth || part.isOneHot() != like.isOneHot()
                    || part.futureSteps != like.futureSteps) {
                throw new IllegalArgumentException("cannot concatenate " + part + " with " + like);
            }
            sequences += part.size();
            steps = Math.addExact(steps, part.totalSteps());
            labelRows += part.labelShape == LabelShape.PER_SEQUENCE ? part.size() : part.totalSteps();
        }
        int[] lengths = new int[sequences];
        double[] features = like.isOneHot() ? null : new double[Math.multiplyExact(steps, like.inputSize)];
        int[] tokens = like.isOneHot() ? new int[steps] : null;
        double[] values = like.labelKind == LabelKind.VALUES ? new double[labelRows * like.labelWidth] : null;
        int[] classes = like.labelKind == LabelKind.CLASSES ? new int[labelRows] : null;
        boolean[] labelled = like.labelShape == LabelShape.PER_STEP ? new boolean[steps] : null;
        int futureWidth = like.futureSteps * like.inputSize;
        double[] future = like.future == null ? null : new double[Math.multiplyExact(sequences, futureWidth)];
        int b = 0;
        int step = 0;
        int row = 0;
        for (SequenceBatch part : parts) {
            if (future != null) {
                System.arraycopy(part.future, 0, future, b * futureWidth, part.size() * futureWidth);
            }
            for (int j = 0; j < part.size(); j++) {
                lengths[b++] = part.lengths[j];
            }
            int n = part.totalSteps();
            if (features != null) {
                System.arraycopy(part.features, 0, features, step * like.inputSize, n * like.inputSize);
            } else {
                System.arraycopy(part.tokens, 0, tokens, step, n);
            }
            int rows = part.labelShape == LabelShape.PER_SEQUENCE ? part.size() : n;
            if (values != null) {
                System.arraycopy(part.values, 0, values, row * like.labelWidth, rows * like.labelWidth);
            }
            if (classes != null) {
                System.arraycopy(part.classes, 0, classes, row, rows);
            }
            if (labelled != null) {
                System.arraycopy(part.labelled, 0, labelled, step, n);
            }
            step += n;
            row += rows;
        }
        return new SequenceBatch(like.inputSize, lengths, features, tokens, like.labelShape, like.labelKind,
                like.labelWidth, values, classes, labelled, like.futureSteps, future);
    }

    /** Counted in place: no copy of the sequences. */
    @Override
    public DataStatistics countInto(DataStatistics stats, int chunk) {
        return stats.addCounts(this);
    }

    /** This batch standardised (a new batch: sequences stored as they are are transformed once, when cached). */
    @Override
    public SequenceBlock standardized(Standardization standardization) {
        return standardization.apply(this);
    }

    /** A batch of no sequence with the shape of this one. */
    public SequenceBatch emptyLike() {
        return concat(this, java.util.List.of());
    }

    /** A new batch of the chosen sequences, in the given order (indices may repeat). */
    @Override
    public SequenceBatch select(int... which) {
        Builder builder = new Builder(inputSize, labelShape, labelKind, labelWidth, isOneHot(), futureSteps);
        for (int b : which) {
            builder.addFrom(this, b);
        }
        return builder.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceBatch other
                && inputSize == other.inputSize && labelWidth == other.labelWidth
                && labelShape == other.labelShape && labelKind == other.labelKind
                && Arrays.equals(lengths, other.lengths) && Arrays.equals(features, other.features)
                && Arrays.equals(tokens, other.tokens)
                && Arrays.equals(values, other.values) && Arrays.equals(classes, other.classes)
                && Arrays.equals(labelled, other.labelled)
                && futureSteps == other.futureSteps && Arrays.equals(future, other.future);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(lengths) + Arrays.hashCode(features)) + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "SequenceBatch[B=" + size() + ", N=" + totalSteps() + ", I=" + inputSize + (isOneHot() ? " one-hot" : "")
                + ", " + labelShape + " "
                + labelKind + (labelKind == LabelKind.VALUES ? " V=" + labelWidth : "")
                + (future == null ? "" : ", " + futureSteps + " future steps") + "]";
    }

    /** Collects sequences; checks each one as it comes, naming the sequence and step at fault. */
    /**
     * Java serialization (Spark's default serializer: a user's own session caching or shuffling blocks) writes the
     * flat arrays, as the Kryo serializer does, and rebuilds through the constructor, which checks every invariant.
     */
    private Object writeReplace() {
        return new SerializedForm(inputSize, lengths, features, tokens, labelShape, labelKind, labelWidth, values,
                classes, labelled, futureSteps, future);
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("SequenceBatch travels as its SerializedForm");
    }

    private record SerializedForm(int inputSize, int[] lengths, double[] features, int[] tokens,
                                  LabelShape labelShape, LabelKind labelKind, int labelWidth, double[] values,
                                  int[] classes, boolean[] labelled, int futureSteps, double[] future)
            implements java.io.Serializable {
        private Object readResolve() {
            return new SequenceBatch(inputSize, lengths, features, tokens, labelShape, labelKind, labelWidth, values,
                    classes, labelled, futureSteps, future);
        }
    }

    public static final class Builder {
        private final int inputSize;
        private final LabelShape shape;
        private final LabelKind kind;
        private final int labelWidth;
        private final GrowableInts lengths = new GrowableInts();
        private final boolean oneHot;
        private final GrowableDoubles features = new GrowableDoubles();
        private final GrowableInts tokens = new GrowableInts();
        private final GrowableDoubles values = new GrowableDoubles();
        private final GrowableInts classes = new GrowableInts();
        private final GrowableInts labelled = new GrowableInts();
        private final int futureSteps;
        private final GrowableDoubles future = new GrowableDoubles();

        private Builder(int inputSize, LabelShape shape, LabelKind kind, int labelWidth, boolean oneHot,
                        int futureSteps) {
            this.futureSteps = futureSteps;
            if (inputSize < 1) {
                throw new IllegalArgumentException("input size must be at least 1, got " + inputSize);
            }
            if (kind == LabelKind.CLASSES && labelWidth != 1) {
                throw new IllegalArgumentException("class labels have width 1, got " + labelWidth);
            }
            if (kind == LabelKind.NONE ? labelWidth != 0 || shape != LabelShape.PER_SEQUENCE : labelWidth < 1) {
                throw new IllegalArgumentException("label width must be at least 1 (0 without labels), got " + labelWidth);
            }
            this.oneHot = oneHot;
            this.inputSize = inputSize;
            this.shape = shape;
            this.kind = kind;
            this.labelWidth = labelWidth;
        }

        /** Many-to-one regression: {@code steps[t][i]}, one target row of V values. */
        public Builder add(double[][] steps, double[] target) {
            expect(LabelShape.PER_SEQUENCE, LabelKind.VALUES);
            checkSteps(steps);
            checkValueRow(target, "target");
            appendSteps(steps);
            values.addAll(target, 0, target.length);
            return this;
        }

        /**
         * Many-to-one regression with the sequence's future rows ({@code future}: S × I, flat; a builder made with
         * future steps).
         */
        public Builder add(double[][] steps, double[] target, double[] future) {
            expect(LabelShape.PER_SEQUENCE, LabelKind.VALUES);
            checkSteps(steps);
            checkValueRow(target, "target");
            checkFuture(future);
            appendSteps(steps);
            values.addAll(target, 0, target.length);
            this.future.addAll(future, 0, future.length);
            return this;
        }

        /** An unlabelled dense sequence with its future rows (S × I, flat). */
        public Builder addWithFuture(double[][] steps, double[] future) {
            expect(LabelShape.PER_SEQUENCE, LabelKind.NONE);
            checkSteps(steps);
            checkFuture(future);
            appendSteps(steps);
            this.future.addAll(future, 0, future.length);
            return this;
        }

        private void checkFuture(double[] rows) {
            if (futureSteps == 0) {
                throw new IllegalArgumentException("this builder collects sequences without future rows");
            }
            if (rows.length != futureSteps * inputSize) {
                throw new IllegalArgumentException(where() + " has " + rows.length + " future values, expected "
                        + futureSteps + " steps × " + inputSize);
            }
        }

        /** Many-to-one classification. */
        public Builder add(double[][] steps, int classId) {
            expect(LabelShape.PER_SEQUENCE, LabelKind.CLASSES);
            checkSteps(steps);
            appendSteps(steps);
            classes.add(classId);
            return this;
        }

        /** Many-to-many regression: one target row per step, {@code null} for an unlabelled step. */
        public Builder addPerStep(double[][] steps, double[][] targets) {
            expect(LabelShape.PER_STEP, LabelKind.VALUES);
            checkSteps(steps);
            checkLabelCount(steps.length, targets.length);
            for (int t = 0; t < targets.length; t++) {
                if (targets[t] != null) {
                    checkValueRow(targets[t], "step " + t + " label");
                }
            }
            appendSteps(steps);
            for (double[] target : targets) {
                labelled.add(target == null ? 0 : 1);
                if (target == null) {
                    for (int v = 0; v < labelWidth; v++) {
                        values.add(0.0);
                    }
                } else {
                    values.addAll(target, 0, target.length);
                }
            }
            return this;
        }

        /** Many-to-many classification: one class per step, {@link #UNLABELLED} for an unlabelled step. */
        public Builder addPerStep(double[][] steps, int[] stepClasses) {
            expect(LabelShape.PER_STEP, LabelKind.CLASSES);
            checkSteps(steps);
            checkLabelCount(steps.length, stepClasses.length);
            appendSteps(steps);
            for (int c : stepClasses) {
                labelled.add(c == UNLABELLED ? 0 : 1);
                classes.add(c);
            }
            return this;
        }

        /** Unlabelled dense sequence (prediction input). */
        public Builder add(double[][] steps) {
            expect(LabelShape.PER_SEQUENCE, LabelKind.NONE);
            checkSteps(steps);
            appendSteps(steps);
            return this;
        }

        /** Many-to-many classification over one-hot tokens: one class per step, {@link #UNLABELLED} for none. */
        public Builder addTokensPerStep(int[] stepTokens, int[] stepClasses) {
            expect(LabelShape.PER_STEP, LabelKind.CLASSES);
            if (!oneHot) {
                throw new IllegalArgumentException("this builder collects dense steps, not tokens");
            }
            if (stepTokens.length == 0) {
                throw new IllegalArgumentException(where() + " is empty: a sequence needs at least one step");
            }
            checkLabelCount(stepTokens.length, stepClasses.length);
            for (int t = 0; t < stepTokens.length; t++) {
                if (stepTokens[t] < 0 || stepTokens[t] >= inputSize) {
                    throw new IllegalArgumentException(where() + " step " + t + " has token " + stepTokens[t]
                            + ", expected one in [0, " + inputSize + ")");
                }
            }
            tokens.addAll(stepTokens, 0, stepTokens.length);
            lengths.add(stepTokens.length);
            for (int c : stepClasses) {
                labelled.add(c == UNLABELLED ? 0 : 1);
                classes.add(c);
            }
            return this;
        }

        /** Copies sequence b of another batch of the same shape. */
        public Builder addFrom(SequenceBatch source, int b) {
            if (source.inputSize != inputSize || source.labelShape != shape || source.labelKind != kind
                    || source.labelWidth != labelWidth || source.isOneHot() != oneHot
                    || source.futureSteps != futureSteps) {
                throw new IllegalArgumentException("cannot mix " + source + " into a builder of I=" + inputSize
                        + " " + shape + " " + kind + " width " + labelWidth);
            }
            int from = source.stepOffsets[b];
            int length = source.lengths[b];
            if (futureSteps > 0) {
                future.addAll(source.future, b * futureSteps * inputSize, futureSteps * inputSize);
            }
            lengths.add(length);
            if (oneHot) {
                tokens.addAll(source.tokens, from, length);
            } else {
                features.addAll(source.features, from * inputSize, length * inputSize);
            }
            int firstRow = shape == LabelShape.PER_SEQUENCE ? b : from;
            int rows = shape == LabelShape.PER_SEQUENCE ? 1 : length;
            if (kind == LabelKind.VALUES) {
                values.addAll(source.values, firstRow * labelWidth, rows * labelWidth);
            } else if (kind == LabelKind.CLASSES) {
                classes.addAll(source.classes, firstRow, rows);
            }
            if (shape == LabelShape.PER_STEP) {
                for (int t = 0; t < length; t++) {
                    labelled.add(source.labelled[from + t] ? 1 : 0);
                }
            }
            return this;
        }

        public int size() {
            return lengths.size();
        }

        public SequenceBatch build() {
            if (futureSteps > 0 && future.size() != lengths.size() * futureSteps * inputSize) {
                throw new IllegalStateException("future rows come only with sequences copied from a batch that has them");
            }
            boolean[] mask = null;
            if (shape == LabelShape.PER_STEP) {
                mask = new boolean[labelled.size()];
                for (int j = 0; j < mask.length; j++) {
                    mask[j] = labelled.get(j) != 0;
                }
            }
            return new SequenceBatch(inputSize, lengths.toArray(), oneHot ? null : features.toArray(),
                    oneHot ? tokens.toArray() : null, shape, kind, labelWidth,
                    kind == LabelKind.VALUES ? values.toArray() : null,
                    kind == LabelKind.CLASSES ? classes.toArray() : null, mask, futureSteps,
                    futureSteps > 0 ? future.toArray() : null);
        }

        private void expect(LabelShape wantShape, LabelKind wantKind) {
            if (shape != wantShape || kind != wantKind) {
                throw new IllegalArgumentException("this builder collects " + shape + " " + kind + " labels, not "
                        + wantShape + " " + wantKind);
            }
        }

        /** Checks one sequence completely before anything is appended, so a refused sequence leaves no trace. */
        /**
         * Room for {@code steps} more dense steps' features, so that a builder filled with a known amount (a chunk of
         * windows) copies each value once instead of growing by doubling; only capacity, never the result.
         */
        public Builder reserveSteps(long steps) {
            long values = steps * inputSize;
            if (!oneHot && values > 0 && values < Integer.MAX_VALUE - 8 - features.size()) {
                features.reserve((int) values);
            }
            return this;
        }

        private void checkSteps(double[][] steps) {
            if (oneHot) {
                throw new IllegalArgumentException("this builder collects one-hot tokens, not dense steps");
            }
            if (steps.length == 0) {
                throw new IllegalArgumentException(where() + " is empty: a sequence needs at least one step");
            }
            for (int t = 0; t < steps.length; t++) {
                double[] step = steps[t];
                if (step.length != inputSize) {
                    throw new IllegalArgumentException(where() + " step " + t + " has " + step.length
                            + " features, expected " + inputSize);
                }
                for (int i = 0; i < step.length; i++) {
                    if (!Double.isFinite(step[i])) {
                        throw new IllegalArgumentException(where() + " step " + t + " feature " + i + " is " + step[i]
                                + ", expected a finite number");
                    }
                }
            }
        }

        private void checkLabelCount(int steps, int labels) {
            if (labels != steps) {
                throw new IllegalArgumentException(where() + " has " + steps + " steps but " + labels + " labels");
            }
        }

        private void checkValueRow(double[] row, String what) {
            if (row.length != labelWidth) {
                throw new IllegalArgumentException(where() + " " + what + " has " + row.length + " values, expected "
                        + labelWidth);
            }
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(where() + " " + what + " is " + v + ", expected a finite number");
                }
            }
        }

        private void appendSteps(double[][] steps) {
            for (double[] step : steps) {
                features.addAll(step, 0, step.length);
            }
            lengths.add(steps.length);
        }

        private String where() {
            return "sequence " + lengths.size();
        }
    }
}
