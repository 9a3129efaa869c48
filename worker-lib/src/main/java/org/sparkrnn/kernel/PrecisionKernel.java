package org.sparkrnn.kernel;

import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.model.ParameterLayout;

import java.util.ArrayList;
import java.util.List;

/**
 * The network algorithm, written once for both precisions: pack the batch (see {@link BatchPlan}), then per chunk of
 * steps run each layer forward (both directions of a bidirectional layer, side by side; dropout masks between
 * layers while training), the head and loss on the labelled rows (pooled over each sequence when the head reads
 * more than its last row; through the {@link org.sparkrnn.model.Decoder} once per predicted step when there is
 * one), BPTT down the stack, and carry the state into the next chunk. With no truncation the one chunk is the whole
 * batch.
 *
 * <p>Workspace buffers are allocated when a batch needs more room than any before and reused afterwards; the time
 * loops allocate nothing.
 */
final class PrecisionKernel<A> implements NetworkKernel {

    private final NetworkSpec spec;
    private final ParameterLayout layout;
    private final Numerics<A> num;
    private final int truncation;
    private final List<RecurrentLayer<A>> layers = new ArrayList<>();   // forward direction of each layer
    private final List<RecurrentLayer<A>> reverse = new ArrayList<>();  // reverse direction (bidirectional)
    private final int directions;    // D
    private final boolean pooledHead; // the head of a many-to-one model reads more than the last row
    private final int inputSize;     // I
    private final int topHidden;     // D·H_L, what the head reads
    private final int outputs;       // the head's width: V, or V·P under a probabilistic loss
    private final int values;        // V: values per label row
    private final org.sparkrnn.distribution.ForecastHead forecastHead; // a probabilistic loss, or null
    private final double[] rawRow;         // [outputs] one row of head outputs (probabilistic losses), then its gradient
    private final double[] gradRow;        // [outputs]
    private final int headWeight;
    private final int headBias;
    private final boolean decoder;   // a Decoder between the encoder and the output layer
    private final int steps;         // S: predicted steps (decoder), else 1
    private final int perStep;       // P: outputs per predicted step (decoder), else V
    private final int decoderUnits;  // N
    private final int decoderWidth;  // D·H_L + K: what the decoder reads per step
    private final int[] known;       // K feature indices read from each future row
    private final int decoderWeight;
    private final int decoderBias;
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
    private A splitF;                // [rows × max H] forward half of a bidirectional layer's output gradient
    private A splitR;                // [rows × max H] reverse half
    private final List<A> concat = new ArrayList<>();  // per layer [rows × 2H]: both directions (bidirectional)
    private final List<A> mask = new ArrayList<>();    // per layer below the top [rows × D·H]: 0 or 1/(1−p)
    private final List<A> dropped = new ArrayList<>(); // per layer below the top: output ⊙ mask, the next input
    private int[] maxRow;            // [selected × D·H_L] max pooling: the packed row of each maximum
    private A headIn;                // [selected × D·H_L]
    private A headOut;               // [selected × V]
    private A decIn;                 // [selected·S × (D·H_L + K)] decoder inputs, then their gradient
    private A decPre;                // [selected·S × N] decoder pre-activations, then the relu mask
    private A decAct;                // [selected·S × N] decoder activations, then their gradient
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
        this.directions = spec.directions();
        this.pooledHead = spec.bidirectional() || spec.pooling() != Pooling.LAST;
        if (truncation > 0 && pooledHead) {
            throw new IllegalArgumentException("bidirectional layers and mean/max pooling need the whole sequence:"
                    + " use full BPTT (truncation 0), not " + truncation);
        }
        for (int k = 0; k < spec.layerCount(); k++) {
            layers.add(new RecurrentLayer<>(num, spec.layer(k), spec.layerInputSize(k), layout.layer(k, 0), false));
            if (directions == 2) {
                reverse.add(new RecurrentLayer<>(num, spec.layer(k), spec.layerInputSize(k), layout.layer(k, 1),
                        true));
            }
        }
        this.inputSize = spec.inputSize();
        this.topHidden = spec.headInputSize();
        this.outputs = spec.headWidth();
        this.values = spec.outputSize();
        this.forecastHead = org.sparkrnn.distribution.ForecastHead.of(spec);
        this.rawRow = forecastHead == null ? null : new double[outputs];
        this.gradRow = forecastHead == null ? null : new double[outputs];
        this.headWeight = layout.headWeight().offset();
        this.headBias = layout.headBias().offset();
        this.decoder = spec.hasDecoder();
        this.steps = decoder ? spec.decoder().steps() : 1;
        this.perStep = spec.outputLayerSize();
        this.decoderUnits = decoder ? spec.decoder().hiddenSize() : 0;
        this.known = decoder ? spec.decoder().featureIndices() : new int[0];
        this.decoderWidth = topHidden + known.length;
        this.decoderWeight = decoder ? layout.decoderWeight().offset() : -1;
        this.decoderBias = decoder ? layout.decoderBias().offset() : -1;
        this.widest = Math.max(spec.inputSize(), directions * spec.maxHiddenSize());
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
        accumulate(params, batch, initial, into, 0L);
    }

    @Override
    public void accumulate(double[] params, SequenceBatch batch, RecurrentState initial, GradientAccumulator into,
                           long dropoutSeed) {
        layout.checkLength(params);
        checkInputs(batch);
        checkLabels(batch);
        checkInitialState(initial);
        boolean pooled = pooledHead && batch.labelShape() == LabelShape.PER_SEQUENCE;
        BatchPlan plan = BatchPlan.of(batch);
        RowSelection labelled = plan.labelled(batch);
        int chunk = truncation > 0 ? truncation : plan.maxLength;
        ensureCapacity(plan.maxChunkRows(chunk), plan.batchSize, labelled.maxCountPerChunk(plan.maxLength, chunk));
        resetStates(plan, initial);

        into.add(layout, batch.size(), gradTarget -> addGradientInto(gradTarget, params, batch, plan, labelled,
                chunk, pooled, dropoutSeed));
    }

    /** The batch's gradient sum added into {@code gradTarget}; returns its loss sum and labelled-unit count. */
    private GradientAccumulator.BatchSums addGradientInto(double[] gradTarget, double[] params, SequenceBatch batch,
                                                         BatchPlan plan, RowSelection labelled, int chunk,
                                                         boolean pooled, long dropoutSeed) {
        A w = num.viewParameters(params, paramScratch);
        A g = num.beginGradient(gradTarget, gradScratch);
        long[] keys = spec.dropout() > 0 ? sequenceKeys(batch) : null;
        double lossSum = 0;
        for (int t0 = 0; t0 < plan.maxLength; t0 += chunk) {
            int t1 = Math.min(t0 + chunk, plan.maxLength);
            packFeatures(batch, plan, t0, t1);
            forwardLayers(w, plan, t0, t1, keys, dropoutSeed);
            int m = labelled.countIn(t0, t1);
            if (m > 0) {
                // With no label in the chunk its loss is 0 and so is its gradient: backward is skipped.
                lossSum += headLossAndBackward(w, g, batch, plan, labelled, t0, t1, pooled);
                backwardLayers(w, g, plan, t0, t1, keys != null);
            }
            for (RecurrentLayer<A> layer : layers) {
                layer.carryForward(plan, t0, t1);
            }
        }
        num.finishGradient(g, gradTarget);
        long count = (long) labelled.size() * spec.loss().countPerLabelledStep(values);
        return new GradientAccumulator.BatchSums(lossSum, count);
    }

    @Override
    public ForwardResult forward(double[] params, SequenceBatch batch, OutputMode mode, RecurrentState initial) {
        layout.checkLength(params);
        checkInputs(batch);
        checkInitialState(initial);
        if (decoder && mode == OutputMode.EVERY_STEP) {
            throw new IllegalArgumentException("a decoder forecasts from a window's last step, not from every step");
        }
        BatchPlan plan = BatchPlan.of(batch);
        RowSelection selected = mode == OutputMode.EVERY_STEP ? plan.everyStep(batch) : plan.lastStep();
        boolean pooled = pooledHead && mode == OutputMode.LAST_STEP;
        int chunk = truncation > 0 ? truncation : plan.maxLength;
        ensureCapacity(plan.maxChunkRows(chunk), plan.batchSize, selected.maxCountPerChunk(plan.maxLength, chunk));
        resetStates(plan, initial);

        RecurrentState finalState = RecurrentState.zeros(spec, batch.size());
        double[] result = new double[selected.size() * outputs];
        A w = num.viewParameters(params, paramScratch);
        for (int t0 = 0; t0 < plan.maxLength; t0 += chunk) {
            int t1 = Math.min(t0 + chunk, plan.maxLength);
            packFeatures(batch, plan, t0, t1);
            forwardLayers(w, plan, t0, t1, null, 0L);
            int m = selected.countIn(t0, t1);
            if (m > 0) {
                headForward(w, batch, plan, selected, t0, t1, pooled);
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

    /**
     * Every layer forward over the chunk. With {@code keys} (training with dropout) the outputs of every layer but
     * the top are multiplied by their dropout masks before the next layer reads them.
     */
    private void forwardLayers(A w, BatchPlan plan, int t0, int t1, long[] keys, long dropoutSeed) {
        A input = x;
        int rows = plan.rowStart[t1] - plan.rowStart[t0];
        for (int k = 0; k < layers.size(); k++) {
            RecurrentLayer<A> layer = layers.get(k);
            layer.forward(w, input, plan, t0, t1);
            if (directions == 2) {
                RecurrentLayer<A> back = reverse.get(k);
                back.forward(w, input, plan, t0, t1);
                A both = concat.get(k);
                int h = layer.h;
                for (int r = 0; r < rows; r++) {
                    num.copy(layer.out, r * h, both, r * 2 * h, h);
                    num.copy(back.out, r * h, both, r * 2 * h + h, h);
                }
            }
            input = output(k);
            if (keys != null && k < layers.size() - 1) {
                fillMask(k, plan, t0, t1, keys, dropoutSeed);
                int width = spec.layerOutputSize(k);
                num.multiply(input, 0, mask.get(k), 0, dropped.get(k), 0, rows * width);
                input = dropped.get(k);
            }
        }
    }

    /** Layer k's output over the chunk (rows × D·H_k): the forward layer's, or both directions side by side. */
    private A output(int k) {
        return directions == 2 ? concat.get(k) : layers.get(k).out;
    }

    /** What layer k reads: the features, or the layer below's output (after dropout when training). */
    private A layerInput(int k, boolean dropout) {
        return k == 0 ? x : dropout ? dropped.get(k - 1) : output(k - 1);
    }

    private long[] sequenceKeys(SequenceBatch batch) {
        long[] keys = new long[batch.size()];
        for (int b = 0; b < keys.length; b++) {
            keys[b] = DropoutMask.sequenceKey(batch, b);
        }
        return keys;
    }

    /** Layer k's dropout mask over the chunk, row by row: a pure function of seed, sequence, layer, step, unit. */
    private void fillMask(int k, BatchPlan plan, int t0, int t1, long[] keys, long dropoutSeed) {
        int width = spec.layerOutputSize(k);
        double[] row = new double[width];
        int base = plan.rowStart[t0];
        double p = spec.dropout();
        for (int t = t0; t < t1; t++) {
            for (int pos = 0; pos < plan.active[t]; pos++) {
                long key = keys[plan.order[pos]];
                for (int u = 0; u < width; u++) {
                    row[u] = DropoutMask.scale(dropoutSeed, key, k, t, u, p);
                }
                num.loadDoubles(row, 0, mask.get(k), (plan.rowStart[t] - base + pos) * width, width);
            }
        }
    }

    /**
     * Head on the chunk's selected rows: headIn = what the head reads, headOut = headIn·Wᵀ + b. Without pooling
     * that is the top layer's output row of each selected step; with {@code pooled} (one label per sequence, the
     * chunk is the whole batch) the pooled vector of each selected sequence.
     */
    private int headForward(A w, SequenceBatch batch, BatchPlan plan, RowSelection selected, int t0, int t1,
                            boolean pooled) {
        int base = plan.rowStart[t0];
        int from = selected.stepStart[t0];
        int m = selected.countIn(t0, t1);
        A top = output(layers.size() - 1);
        if (pooled) {
            poolInto(headIn, top, plan, selected, t0, t1);
        } else {
            for (int j = 0; j < m; j++) {
                num.copy(top, (selected.rows[from + j] - base) * topHidden, headIn, j * topHidden, topHidden);
            }
        }
        if (decoder) {
            decoderForward(w, batch, selected, from, m);
        } else {
            num.gemmRows(m, outputs, topHidden, headIn, 0, w, headWeight, 0.0, headOut, 0);
            num.addRowVector(headOut, 0, m, outputs, w, headBias);
        }
        return m;
    }

    /**
     * The decoder on m selected sequences, row j·S + s per predicted step s: decIn = [headIn_j ; the known features
     * of the sequence's future row s], decPre = decIn·W_dᵀ + b_d, decAct = relu(decPre), headOut (m·S × P, which is
     * m × V) = decAct·Wᵀ + b.
     */
    private void decoderForward(A w, SequenceBatch batch, RowSelection selected, int from, int m) {
        double[] future = batch.future();
        int in = batch.inputSize();
        double[] knownRow = new double[known.length];
        for (int j = 0; j < m; j++) {
            int b = selected.targets[from + j]; // one label row per sequence: the row is the sequence
            for (int s = 0; s < steps; s++) {
                int r = j * steps + s;
                num.copy(headIn, j * topHidden, decIn, r * decoderWidth, topHidden);
                int row = (b * steps + s) * in;
                for (int k = 0; k < known.length; k++) {
                    knownRow[k] = future[row + known[k]];
                }
                num.loadDoubles(knownRow, 0, decIn, r * decoderWidth + topHidden, known.length);
            }
        }
        int rows = m * steps;
        num.gemmRows(rows, decoderUnits, decoderWidth, decIn, 0, w, decoderWeight, 0.0, decPre, 0);
        num.addRowVector(decPre, 0, rows, decoderUnits, w, decoderBias);
        double[] units = new double[rows * decoderUnits];
        num.storeDoubles(decPre, 0, units, 0, units.length);
        for (int j = 0; j < units.length; j++) {
            units[j] = units[j] > 0 ? units[j] : 0.0;
        }
        num.loadDoubles(units, 0, decAct, 0, units.length);
        num.gemmRows(rows, perStep, decoderUnits, decAct, 0, w, headWeight, 0.0, headOut, 0);
        num.addRowVector(headOut, 0, rows, perStep, w, headBias);
    }

    /**
     * From dL/dy in headOut (m × V): the output layer's gradients (and the decoder's), and headIn = dL/d(what the
     * head read) per selected sequence (a decoder's steps summed).
     */
    private void outputBackward(A w, A g, int m) {
        if (!decoder) {
            num.gemm(true, false, outputs, topHidden, m, 1.0, headOut, 0, outputs, headIn, 0, topHidden,
                    1.0, g, headWeight, topHidden);
            num.addColumnSums(headOut, 0, m, outputs, g, headBias);
            num.gemm(false, false, m, topHidden, outputs, 1.0, headOut, 0, outputs, w, headWeight, topHidden,
                    0.0, headIn, 0, topHidden);
            return;
        }
        int rows = m * steps;
        int n = decoderUnits;
        num.gemm(true, false, perStep, n, rows, 1.0, headOut, 0, perStep, decAct, 0, n, 1.0, g, headWeight, n);
        num.addColumnSums(headOut, 0, rows, perStep, g, headBias);
        // decAct := dL/d(activation); decPre := relu'(pre-activation) as 0/1; decAct := dL/d(pre-activation)
        num.gemm(false, false, rows, n, perStep, 1.0, headOut, 0, perStep, w, headWeight, n, 0.0, decAct, 0, n);
        double[] units = new double[rows * n];
        num.storeDoubles(decPre, 0, units, 0, units.length);
        for (int j = 0; j < units.length; j++) {
            units[j] = units[j] > 0 ? 1.0 : 0.0;
        }
        num.loadDoubles(units, 0, decPre, 0, units.length);
        num.multiply(decAct, 0, decPre, 0, decAct, 0, units.length);
        num.gemm(true, false, n, decoderWidth, rows, 1.0, decAct, 0, n, decIn, 0, decoderWidth, 1.0, g,
                decoderWeight, decoderWidth);
        num.addColumnSums(decAct, 0, rows, n, g, decoderBias);
        num.gemm(false, false, rows, decoderWidth, n, 1.0, decAct, 0, n, w, decoderWeight, decoderWidth, 0.0,
                decIn, 0, decoderWidth);
        num.fillZero(headIn, 0, m * topHidden);
        for (int j = 0; j < m; j++) {
            for (int s = 0; s < steps; s++) {
                num.addScaled(decIn, (j * steps + s) * decoderWidth, 1.0, headIn, j * topHidden, topHidden);
            }
        }
    }

    /** One selected sequence of a pooled head: entry j of the chunk, packed position p, its length. */
    @FunctionalInterface
    private interface SelectedSequence {
        void visit(int j, int p, int length);
    }

    /**
     * Visits each selected sequence of the chunk: its last step is the selected one, so its length is t + 1 and its
     * packed position p = row − rowStart[t].
     */
    private static void forEachSelectedSequence(BatchPlan plan, RowSelection selected, int t0, int t1,
                                                SelectedSequence visitor) {
        int from = selected.stepStart[t0];
        for (int t = t0; t < t1; t++) {
            for (int e = selected.stepStart[t]; e < selected.stepStart[t + 1]; e++) {
                visitor.visit(e - from, selected.rows[e] - plan.rowStart[t], t + 1);
            }
        }
    }

    /**
     * The pooled vector of each selected sequence: last (bidirectional: the forward half at the last step, the
     * reverse half at step 0), mean or max over its real steps.
     */
    private void poolInto(A into, A top, BatchPlan plan, RowSelection selected, int t0, int t1) {
        int base = plan.rowStart[t0];
        int width = topHidden;
        int half = width / directions;
        double[] acc = new double[width];
        double[] row = new double[width];
        forEachSelectedSequence(plan, selected, t0, t1, (j, p, length) -> {
            switch (spec.pooling()) {
                case LAST -> {
                    num.copy(top, (plan.rowStart[length - 1] - base + p) * width, into, j * width, half);
                    num.copy(top, (plan.rowStart[0] - base + p) * width + half, into, j * width + half, half);
                }
                case MEAN -> {
                    num.fillZero(into, j * width, width);
                    for (int s = 0; s < length; s++) {
                        num.addScaled(top, (plan.rowStart[s] - base + p) * width, 1.0 / length, into, j * width,
                                width);
                    }
                }
                case MAX -> {
                    java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
                    for (int s = 0; s < length; s++) {
                        int r = plan.rowStart[s] - base + p;
                        num.storeDoubles(top, r * width, row, 0, width);
                        for (int u = 0; u < width; u++) {
                            if (row[u] > acc[u]) {
                                acc[u] = row[u];
                                maxRow[j * width + u] = r;
                            }
                        }
                    }
                    num.loadDoubles(acc, 0, into, j * width, width);
                }
            }
        });
    }

    /** The gradient of the pooled vectors (m × D·H_L in {@code dPooled}) added to the rows they were read from. */
    private void unpoolInto(A dTop, A dPooled, BatchPlan plan, RowSelection selected, int t0, int t1) {
        int base = plan.rowStart[t0];
        int width = topHidden;
        int half = width / directions;
        double[] grad = new double[width];
        double[] cell = new double[1];
        forEachSelectedSequence(plan, selected, t0, t1, (j, p, length) -> {
            switch (spec.pooling()) {
                case LAST -> {
                    num.addScaled(dPooled, j * width, 1.0, dTop, (plan.rowStart[length - 1] - base + p) * width,
                            half);
                    num.addScaled(dPooled, j * width + half, 1.0, dTop, (plan.rowStart[0] - base + p) * width + half,
                            half);
                }
                case MEAN -> {
                    for (int s = 0; s < length; s++) {
                        num.addScaled(dPooled, j * width, 1.0 / length, dTop, (plan.rowStart[s] - base + p) * width,
                                width);
                    }
                }
                case MAX -> {
                    num.storeDoubles(dPooled, j * width, grad, 0, width);
                    for (int u = 0; u < width; u++) {
                        int r = maxRow[j * width + u];
                        num.storeDoubles(dTop, r * width + u, cell, 0, 1);
                        cell[0] += grad[u];
                        num.loadDoubles(cell, 0, dTop, r * width + u, 1);
                    }
                }
            }
        });
    }

    /**
     * Head forward, the loss sum of the chunk's labelled rows, the head's gradients, and dhA = the loss gradient
     * reaching the top layer's outputs (zero where nothing was read). Returns the chunk's loss sum.
     */
    private double headLossAndBackward(A w, A g, SequenceBatch batch, BatchPlan plan, RowSelection labelled,
                                       int t0, int t1, boolean pooled) {
        int m = headForward(w, batch, plan, labelled, t0, t1, pooled);
        int from = labelled.stepStart[t0];
        Loss loss = spec.loss();
        double lossSum = switch (loss) {
            case MSE -> num.squaredErrorInPlace(m, outputs, headOut, batch.values(), labelled.targets, from, 2.0);
            case SUM_HALF_SQUARED ->
                    0.5 * num.squaredErrorInPlace(m, outputs, headOut, batch.values(), labelled.targets, from, 1.0);
            case CROSS_ENTROPY ->
                    num.softmaxCrossEntropyInPlace(m, outputs, headOut, batch.classes(), labelled.targets, from);
            case QUANTILE, GAUSSIAN, STUDENT_T, NEGATIVE_BINOMIAL ->
                    distributionLossInPlace(m, batch, labelled, from);
        };
        // headOut now holds dL/dy (m × V)
        outputBackward(w, g, m);
        int base = plan.rowStart[t0];
        int rows = plan.rowStart[t1] - base;
        num.fillZero(dhA, 0, rows * topHidden);
        if (pooled) {
            unpoolInto(dhA, headIn, plan, labelled, t0, t1);
        } else {
            for (int j = 0; j < m; j++) {
                // one label per step: each row is written at most once
                num.copy(headIn, j * topHidden, dhA, (labelled.rows[from + j] - base) * topHidden, topHidden);
            }
        }
        return lossSum;
    }

    /**
     * A probabilistic loss over the chunk's m labelled rows, row by row in float64 ({@link
     * org.sparkrnn.distribution.ForecastHead}); headOut's rows become their gradients. Returns the loss sum.
     */
    private double distributionLossInPlace(int m, SequenceBatch batch, RowSelection labelled, int from) {
        double[] targets = batch.values();
        int p = spec.parametersPerValue();
        double sum = 0;
        for (int j = 0; j < m; j++) {
            int row = labelled.targets[from + j];
            double scale = batch.labelScale(sequenceOfLabelRow(batch, row));
            num.storeDoubles(headOut, j * outputs, rawRow, 0, outputs);
            for (int e = 0; e < values; e++) {
                sum += forecastHead.lossAndGradient(rawRow, e * p, targets[row * values + e], scale, gradRow, e * p);
            }
            num.loadDoubles(gradRow, 0, headOut, j * outputs, outputs);
        }
        return sum;
    }

    /** The sequence a label row belongs to: itself for one label per sequence, else the one whose steps hold it. */
    private static int sequenceOfLabelRow(SequenceBatch batch, int row) {
        if (batch.labelShape() == LabelShape.PER_SEQUENCE) {
            return row;
        }
        int lo = 0;
        int hi = batch.size() - 1;
        while (lo < hi) { // the last sequence whose first step is at or before the row
            int mid = (lo + hi + 1) >>> 1;
            if (batch.stepOffset(mid) <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * BPTT down the stack. A bidirectional layer's output gradient is split into its two halves, each direction
     * runs its BPTT, and both add their gradient into the layer below's; with dropout that gradient is multiplied
     * by the mask the forward pass used.
     */
    private void backwardLayers(A w, A g, BatchPlan plan, int t0, int t1, boolean dropout) {
        A dOut = dhA;
        A dBelow = dhB;
        int rows = plan.rowStart[t1] - plan.rowStart[t0];
        for (int k = layers.size() - 1; k >= 0; k--) {
            RecurrentLayer<A> layer = layers.get(k);
            A input = layerInput(k, dropout);
            A dInput = k == 0 ? null : dBelow;
            if (directions == 1) {
                layer.backward(w, g, input, dOut, dInput, false, dhNext, dcNext, scratch, plan, t0, t1);
            } else {
                int h = layer.h;
                for (int r = 0; r < rows; r++) {
                    num.copy(dOut, r * 2 * h, splitF, r * h, h);
                    num.copy(dOut, r * 2 * h + h, splitR, r * h, h);
                }
                layer.backward(w, g, input, splitF, dInput, false, dhNext, dcNext, scratch, plan, t0, t1);
                reverse.get(k).backward(w, g, input, splitR, dInput, true, dhNext, dcNext, scratch, plan, t0, t1);
            }
            if (k > 0 && dropout) {
                int width = spec.layerOutputSize(k - 1);
                num.multiply(dBelow, 0, mask.get(k - 1), 0, dBelow, 0, rows * width);
            }
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
        for (RecurrentLayer<A> back : reverse) {
            back.resetState(plan, null, null);
        }
    }

    private void checkInitialState(RecurrentState initial) {
        if (initial != null && pooledHead) {
            throw new IllegalArgumentException("bidirectional layers and mean/max pooling read whole sequences:"
                    + " they cannot start from a carried state");
        }
    }

    private void ensureCapacity(int rows, int batch, int selected) {
        if (rows > rowsCap) {
            rowsCap = rows;
            x = num.allocate(rows * inputSize);
            dhA = num.allocate(rows * widest);
            dhB = num.allocate(rows * widest);
            scratch = num.allocate(rows * widest);
            concat.clear();
            mask.clear();
            dropped.clear();
            for (int k = 0; k < layers.size(); k++) {
                int width = spec.layerOutputSize(k);
                if (directions == 2) {
                    concat.add(num.allocate(rows * width));
                }
                if (spec.dropout() > 0 && k < layers.size() - 1) {
                    mask.add(num.allocate(rows * width));
                    dropped.add(num.allocate(rows * width));
                }
            }
            if (directions == 2) {
                splitF = num.allocate(rows * spec.maxHiddenSize());
                splitR = num.allocate(rows * spec.maxHiddenSize());
            }
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
            if (decoder) {
                decIn = num.allocate(selectedCap * steps * decoderWidth);
                decPre = num.allocate(selectedCap * steps * decoderUnits);
                decAct = num.allocate(selectedCap * steps * decoderUnits);
            }
            maxRow = spec.pooling() == Pooling.MAX ? new int[selectedCap * topHidden] : null;
        }
        for (RecurrentLayer<A> layer : layers) {
            layer.ensureCapacity(rowsCap, batchCap);
        }
        for (RecurrentLayer<A> layer : reverse) {
            layer.ensureCapacity(rowsCap, batchCap);
        }
    }

    private void checkInputs(SequenceBatch batch) {
        if (batch.size() == 0) {
            throw new IllegalArgumentException("the batch holds no sequence");
        }
        if (decoder && batch.futureSteps() != steps) {
            throw new IllegalArgumentException("the decoder of " + spec.describe() + " reads " + steps
                    + " future rows per sequence, the batch has " + batch.futureSteps());
        }
        if (batch.inputSize() != inputSize) {
            throw new IllegalArgumentException("the batch's steps have " + batch.inputSize()
                    + " features, the network " + spec.describe() + " expects " + inputSize);
        }
    }

    private void checkLabels(SequenceBatch batch) {
        if (decoder && batch.labelShape() != LabelShape.PER_SEQUENCE) {
            throw new IllegalArgumentException("a decoder forecasts one label row per window; these labels are per step");
        }
        if (spec.pooling() != Pooling.LAST && batch.labelShape() == LabelShape.PER_STEP) {
            throw new IllegalArgumentException("pooling " + spec.pooling().cliName() + " reads a whole sequence for"
                    + " its one label; these labels are per step");
        }
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
        } else if (batch.labelKind() != LabelKind.VALUES || batch.labelWidth() != values) {
            throw new IllegalArgumentException("loss " + loss.cliName() + " needs " + values
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
