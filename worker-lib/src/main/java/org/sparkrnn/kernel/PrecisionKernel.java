package org.sparkrnn.kernel;

import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;

import java.util.ArrayList;
import java.util.List;

/**
 * The network algorithm, written once for both precisions: pack the batch (see {@link BatchPlan}), then per chunk of
 * steps run each layer forward, the head and loss on the labelled rows, BPTT down the stack, and carry the state into
 * the next chunk. With no truncation the one chunk is the whole batch.
 *
 * <p>Workspace buffers are allocated when a batch needs more room than any before and reused afterwards; the time
 * loops allocate nothing.
 */
final class PrecisionKernel<A> implements NetworkKernel {

    private final NetworkSpec spec;
    private final ParameterLayout layout;
    private final Numerics<A> num;
    private final int truncation;
    private final List<RecurrentLayer<A>> layers = new ArrayList<>();
    private final int inputSize;     // I
    private final int topHidden;     // H_L
    private final int outputs;       // V
    private final int headWeight;
    private final int headBias;
    private final int widest;        // max(I, max H): width of the dh / scratch buffers

    private int rowsCap;
    private int batchCap;
    private int selectedCap;
    private A x;                     // [rows × I] packed features of the chunk
    private A dhA;                   // [rows × widest] gradient reaching a layer's output
    private A dhB;                   // [rows × widest] gradient reaching the layer below
    private A scratch;               // [rows × widest]
    private A dhNext;                // [B × max H]
    private A dcNext;                // [B × max H]
    private A headIn;                // [selected × H_L]
    private A headOut;               // [selected × V]
    private final A paramScratch;    // [P] parameters in compute precision (float only)
    private final A gradScratch;     // [P] gradient in compute precision (float only)

    PrecisionKernel(NetworkSpec spec, Numerics<A> num, int truncation) {
        if (truncation < 0) {
            throw new IllegalArgumentException("BPTT truncation must be 0 (full) or a positive number of steps, got "
                    + truncation);
        }
        this.spec = spec;
        this.layout = new ParameterLayout(spec);
        this.num = num;
        this.truncation = truncation;
        for (int k = 0; k < spec.layerCount(); k++) {
            layers.add(new RecurrentLayer<>(num, spec.layer(k), spec.layerInputSize(k), layout.layer(k)));
        }
        this.inputSize = spec.inputSize();
        this.topHidden = spec.topHiddenSize();
        this.outputs = spec.outputSize();
        this.headWeight = layout.headWeight().offset();
        this.headBias = layout.headBias().offset();
        this.widest = Math.max(spec.inputSize(), spec.maxHiddenSize());
        boolean sameType = num.precision() == Precision.FLOAT64;
        this.paramScratch = sameType ? null : num.allocate(layout.size());
        this.gradScratch = sameType ? null : num.allocate(layout.size());
    }

    @Override
    public NetworkSpec spec() {
        return spec;
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    @Override
    public Precision precision() {
        return num.precision();
    }

    @Override
    public int bpttTruncation() {
        return truncation;
    }

    @Override
    public void accumulate(double[] params, SequenceBatch batch, GradientAccumulator into) {
        accumulate(params, batch, null, into);
    }

    @Override
    public void accumulate(double[] params, SequenceBatch batch, RecurrentState initial, GradientAccumulator into) {
        layout.checkLength(params);
        checkInputs(batch);
        checkLabels(batch);
        BatchPlan plan = BatchPlan.of(batch);
        RowSelection labelled = plan.labelled(batch);
        int chunk = truncation > 0 ? truncation : plan.maxLength;
        ensureCapacity(plan.maxChunkRows(chunk), plan.batchSize, labelled.maxCountPerChunk(plan.maxLength, chunk));
        resetStates(plan, initial);

        double[] gradTarget = into.gradientFor(layout);
        A w = num.viewParameters(params, paramScratch);
        A g = num.beginGradient(gradTarget, gradScratch);
        double lossSum = 0;
        for (int t0 = 0; t0 < plan.maxLength; t0 += chunk) {
            int t1 = Math.min(t0 + chunk, plan.maxLength);
            packFeatures(batch, plan, t0, t1);
            forwardLayers(w, plan, t0, t1);
            int m = labelled.countIn(t0, t1);
            if (m > 0) {
                // With no label in the chunk its loss is 0 and so is its gradient: backward is skipped.
                lossSum += headLossAndBackward(w, g, batch, plan, labelled, t0, t1);
                backwardLayers(w, g, plan, t0, t1);
            }
            for (RecurrentLayer<A> layer : layers) {
                layer.carryForward(plan, t0, t1);
            }
        }
        num.finishGradient(g, gradTarget);
        long count = (long) labelled.size() * spec.loss().countPerLabelledStep(outputs);
        into.addSums(lossSum, count, batch.size());
    }

    @Override
    public ForwardResult forward(double[] params, SequenceBatch batch, OutputMode mode, RecurrentState initial) {
        layout.checkLength(params);
        checkInputs(batch);
        BatchPlan plan = BatchPlan.of(batch);
        RowSelection selected = mode == OutputMode.EVERY_STEP ? plan.everyStep(batch) : plan.lastStep();
        int chunk = truncation > 0 ? truncation : plan.maxLength;
        ensureCapacity(plan.maxChunkRows(chunk), plan.batchSize, selected.maxCountPerChunk(plan.maxLength, chunk));
        resetStates(plan, initial);

        RecurrentState finalState = RecurrentState.zeros(spec, batch.size());
        double[] result = new double[selected.size() * outputs];
        A w = num.viewParameters(params, paramScratch);
        for (int t0 = 0; t0 < plan.maxLength; t0 += chunk) {
            int t1 = Math.min(t0 + chunk, plan.maxLength);
            packFeatures(batch, plan, t0, t1);
            forwardLayers(w, plan, t0, t1);
            int m = selected.countIn(t0, t1);
            if (m > 0) {
                headForward(w, plan, selected, t0, t1);
                if (spec.loss().isClassification()) {
                    num.softmaxInPlace(m, outputs, headOut);
                }
                int from = selected.stepStart[t0];
                for (int j = 0; j < m; j++) {
                    num.storeDoubles(headOut, j * outputs, result, selected.targets[from + j] * outputs, outputs);
                }
            }
            for (int k = 0; k < layers.size(); k++) {
                layers.get(k).storeFinalStates(plan, t0, t1, finalState.h(k), finalState.c(k));
                layers.get(k).carryForward(plan, t0, t1);
            }
        }
        return new ForwardResult(mode, outputs, result, finalState);
    }

    private void forwardLayers(A w, BatchPlan plan, int t0, int t1) {
        A input = x;
        for (RecurrentLayer<A> layer : layers) {
            layer.forward(w, input, plan, t0, t1);
            input = layer.out;
        }
    }

    /** Head on the chunk's selected rows: headIn = gathered top-layer h, headOut = headIn·Wᵀ + b. */
    private int headForward(A w, BatchPlan plan, RowSelection selected, int t0, int t1) {
        int base = plan.rowStart[t0];
        int from = selected.stepStart[t0];
        int m = selected.countIn(t0, t1);
        A top = layers.get(layers.size() - 1).out;
        for (int j = 0; j < m; j++) {
            num.copy(top, (selected.rows[from + j] - base) * topHidden, headIn, j * topHidden, topHidden);
        }
        num.gemm(false, true, m, outputs, topHidden, 1.0, headIn, 0, topHidden, w, headWeight, topHidden,
                0.0, headOut, 0, outputs);
        num.addRowVector(headOut, 0, m, outputs, w, headBias);
        return m;
    }

    /**
     * Head forward, the loss sum of the chunk's labelled rows, the head's gradients, and dhA = the loss gradient
     * reaching the top layer's outputs (zero at unlabelled rows). Returns the chunk's loss sum.
     */
    private double headLossAndBackward(A w, A g, SequenceBatch batch, BatchPlan plan, RowSelection labelled,
                                       int t0, int t1) {
        int m = headForward(w, plan, labelled, t0, t1);
        int from = labelled.stepStart[t0];
        Loss loss = spec.loss();
        double lossSum = switch (loss) {
            case MSE -> num.squaredErrorInPlace(m, outputs, headOut, batch.values(), labelled.targets, from, 2.0);
            case SUM_HALF_SQUARED ->
                    0.5 * num.squaredErrorInPlace(m, outputs, headOut, batch.values(), labelled.targets, from, 1.0);
            case CROSS_ENTROPY ->
                    num.softmaxCrossEntropyInPlace(m, outputs, headOut, batch.classes(), labelled.targets, from);
        };
        // headOut now holds dL/dy (m × V)
        num.gemm(true, false, outputs, topHidden, m, 1.0, headOut, 0, outputs, headIn, 0, topHidden,
                1.0, g, headWeight, topHidden);
        num.addColumnSums(headOut, 0, m, outputs, g, headBias);
        num.gemm(false, false, m, topHidden, outputs, 1.0, headOut, 0, outputs, w, headWeight, topHidden,
                0.0, headIn, 0, topHidden);
        int base = plan.rowStart[t0];
        int rows = plan.rowStart[t1] - base;
        num.fillZero(dhA, 0, rows * topHidden);
        for (int j = 0; j < m; j++) {
            // one label per step: each row is written at most once
            num.copy(headIn, j * topHidden, dhA, (labelled.rows[from + j] - base) * topHidden, topHidden);
        }
        return lossSum;
    }

    private void backwardLayers(A w, A g, BatchPlan plan, int t0, int t1) {
        A dOut = dhA;
        A dBelow = dhB;
        for (int k = layers.size() - 1; k >= 0; k--) {
            RecurrentLayer<A> layer = layers.get(k);
            A input = k == 0 ? x : layers.get(k - 1).out;
            layer.backward(w, g, input, dOut, k == 0 ? null : dBelow, dhNext, dcNext, scratch, plan, t0, t1);
            A swap = dOut;
            dOut = dBelow;
            dBelow = swap;
        }
    }

    private void packFeatures(SequenceBatch batch, BatchPlan plan, int t0, int t1) {
        double[] features = batch.features();
        int[] tokens = batch.tokens();
        int base = plan.rowStart[t0];
        if (tokens != null) {
            num.fillZero(x, 0, (plan.rowStart[t1] - base) * inputSize);
        }
        for (int t = t0; t < t1; t++) {
            int r = plan.rowStart[t] - base;
            for (int p = 0; p < plan.active[t]; p++) {
                int step = batch.stepOffset(plan.order[p]) + t;
                if (tokens != null) {
                    num.setOne(x, (r + p) * inputSize + tokens[step]); // one-hot row
                } else {
                    num.loadDoubles(features, step * inputSize, x, (r + p) * inputSize, inputSize);
                }
            }
        }
    }

    private void resetStates(BatchPlan plan, RecurrentState initial) {
        if (initial != null && initial.batchSize() != plan.batchSize) {
            throw new IllegalArgumentException("initial state is for " + initial.batchSize() + " sequences, the batch has "
                    + plan.batchSize);
        }
        for (int k = 0; k < layers.size(); k++) {
            layers.get(k).resetState(plan, initial == null ? null : initial.h(k), initial == null ? null : initial.c(k));
        }
    }

    private void ensureCapacity(int rows, int batch, int selected) {
        if (rows > rowsCap) {
            rowsCap = rows;
            x = num.allocate(rows * inputSize);
            dhA = num.allocate(rows * widest);
            dhB = num.allocate(rows * widest);
            scratch = num.allocate(rows * widest);
        }
        if (batch > batchCap) {
            batchCap = batch;
            dhNext = num.allocate(batch * spec.maxHiddenSize());
            dcNext = num.allocate(batch * spec.maxHiddenSize());
        }
        if (selected > selectedCap || headIn == null) {
            selectedCap = Math.max(selected, 1);
            headIn = num.allocate(selectedCap * topHidden);
            headOut = num.allocate(selectedCap * outputs);
        }
        for (RecurrentLayer<A> layer : layers) {
            layer.ensureCapacity(rowsCap, batchCap);
        }
    }

    private void checkInputs(SequenceBatch batch) {
        if (batch.size() == 0) {
            throw new IllegalArgumentException("the batch holds no sequence");
        }
        if (batch.inputSize() != inputSize) {
            throw new IllegalArgumentException("the batch's steps have " + batch.inputSize()
                    + " features, the network " + spec.describe() + " expects " + inputSize);
        }
    }

    private void checkLabels(SequenceBatch batch) {
        Loss loss = spec.loss();
        if (loss.isClassification()) {
            if (batch.labelKind() != LabelKind.CLASSES) {
                throw new IllegalArgumentException("loss " + loss.cliName() + " needs integer class labels, the batch has "
                        + batch.labelKind());
            }
            int[] classes = batch.classes();
            for (int b = 0; b < batch.size(); b++) {
                for (int t = 0; t < batch.length(b); t++) {
                    if (batch.isLabelled(b, t)) {
                        int y = classes[batch.labelRow(b, t)];
                        if (y < 0 || y >= outputs) {
                            throw new IllegalArgumentException("sequence " + b + " step " + t + ": class id " + y
                                    + " outside [0, " + outputs + ")");
                        }
                    }
                }
            }
        } else if (batch.labelKind() != LabelKind.VALUES || batch.labelWidth() != outputs) {
            throw new IllegalArgumentException("loss " + loss.cliName() + " needs " + outputs
                    + " value(s) per label, the batch has " + batch.labelKind()
                    + (batch.labelKind() == LabelKind.VALUES ? " of width " + batch.labelWidth() : ""));
        }
    }

    /**
     * For the golden tests: layer k's gate buffer as doubles, first {@code rows} packed rows (after {@link #forward}
     * the activations i, f, g, o; after {@link #accumulate} the gate gradients δi, δf, δg, δo).
     */
    double[] gateBuffer(int k, int rows) {
        RecurrentLayer<A> layer = layers.get(k);
        double[] out = new double[rows * layer.gateRows()];
        num.storeDoubles(layer.gates(), 0, out, 0, out.length);
        return out;
    }
}
