package org.sparkrnn.reference;

import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.kernel.DropoutMask;
import org.sparkrnn.kernel.ForwardResult;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.kernel.RecurrentState;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.CellType;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterBlock;
import org.sparkrnn.model.ParameterLayout;

/**
 * The plain, obviously-correct path the fast kernel is tested against: one sequence at a time, scalar loops in
 * float64 that read like the equations of the Gomez example (and of PyTorch's nn.GRU), no BLAS, no packing, no
 * buffer reuse. Slow on purpose.
 *
 * <p>A bidirectional layer runs its reverse direction from the sequence's last step down to step 0 and
 * concatenates [forward, reverse] per step. Dropout multiplies the outputs of every layer but the top one by the
 * masks of {@link DropoutMask} while training. A many-to-one head reads the last state (bidirectional: the forward
 * state at the last step and the reverse state at step 0), the mean or the maximum over the steps.
 *
 * <p>Truncated BPTT by definition: the forward pass is the full one; going backward, the recurrent gradient
 * (into h_{t−1} and c_{t−1}) is dropped whenever it would cross from the first step of a chunk into the last step of
 * the previous chunk.
 */
public final class ReferenceNetwork implements NetworkKernel {

    private final NetworkSpec spec;
    private final ParameterLayout layout;
    private final int truncation;
    private final int directions;

    public ReferenceNetwork(NetworkSpec spec, int bpttTruncation) {
        this.spec = spec;
        this.layout = new ParameterLayout(spec);
        this.truncation = bpttTruncation;
        this.directions = spec.directions();
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
        return Precision.FLOAT64;
    }

    @Override
    public int bpttTruncation() {
        return truncation;
    }

    @Override
    public void accumulate(double[] params, SequenceBatch batch, GradientAccumulator into) {
        accumulate(params, batch, null, into, 0L);
    }

    @Override
    public void accumulate(double[] params, SequenceBatch batch, RecurrentState initial, GradientAccumulator into) {
        accumulate(params, batch, initial, into, 0L);
    }

    @Override
    public void accumulate(double[] params, SequenceBatch batch, RecurrentState initial, GradientAccumulator into,
                           long dropoutSeed) {
        layout.checkLength(params);
        into.add(layout, batch.size(), grad -> addGradientInto(grad, params, batch, initial, dropoutSeed));
    }

    /** The batch's gradient sum added into {@code grad}, sequence by sequence; returns its loss sum and count. */
    private GradientAccumulator.BatchSums addGradientInto(double[] grad, double[] params, SequenceBatch batch,
                                                         RecurrentState initial, long dropoutSeed) {
        double lossSum = 0;
        long labelledSteps = 0;
        boolean perSequence = batch.labelShape() == LabelShape.PER_SEQUENCE;
        for (int b = 0; b < batch.size(); b++) {
            long key = spec.dropout() > 0 ? DropoutMask.sequenceKey(batch, b) : 0;
            Trace trace = forwardSequence(params, batch, b, initial, true, dropoutSeed, key);
            int steps = batch.length(b);
            int top = spec.layerCount() - 1;
            int width = spec.headInputSize();
            int v = spec.outputSize();
            double[][] dOut = new double[steps][width]; // dL/d(top output), from the head
            for (int t = 0; t < steps; t++) {
                if (!batch.isLabelled(b, t)) {
                    continue;
                }
                labelledSteps++;
                int[] argmax = new int[width];
                double[] read = perSequence ? pooled(trace.out[top], argmax) : trace.out[top][t];
                double[] y = output(params, read, batch, b);
                double[] dy = new double[y.length];
                int row = batch.labelRow(b, t);
                if (spec.loss().isProbabilistic()) {
                    org.sparkrnn.distribution.ForecastHead head = org.sparkrnn.distribution.ForecastHead.of(spec);
                    int p = spec.parametersPerValue();
                    for (int j = 0; j < v; j++) {
                        lossSum += head.lossAndGradient(y, j * p, batch.values()[row * v + j], batch.labelScale(b),
                                dy, j * p);
                    }
                } else if (spec.loss() == Loss.CROSS_ENTROPY) {
                    int cls = batch.classes()[row];
                    double max = Double.NEGATIVE_INFINITY;
                    for (double value : y) {
                        max = Math.max(max, value);
                    }
                    double total = 0;
                    for (double value : y) {
                        total += Math.exp(value - max);
                    }
                    double logSumExp = max + Math.log(total);
                    lossSum += logSumExp - y[cls];
                    for (int j = 0; j < v; j++) {
                        dy[j] = Math.exp(y[j] - logSumExp) - (j == cls ? 1 : 0);
                    }
                } else {
                    double half = spec.loss() == Loss.SUM_HALF_SQUARED ? 0.5 : 1.0;
                    for (int j = 0; j < v; j++) {
                        double diff = y[j] - batch.values()[row * v + j];
                        lossSum += half * diff * diff;
                        dy[j] = 2 * half * diff;
                    }
                }
                double[] dRead = outputBackward(params, grad, read, batch, b, dy);
                if (perSequence) {
                    unpool(dRead, dOut, argmax);
                } else {
                    for (int i = 0; i < width; i++) {
                        dOut[t][i] += dRead[i];
                    }
                }
            }
            for (int k = top; k >= 0; k--) {
                dOut = backwardLayer(params, grad, trace, k, dOut);
                if (k > 0 && spec.dropout() > 0) {
                    for (int t = 0; t < steps; t++) {
                        for (int u = 0; u < dOut[t].length; u++) {
                            dOut[t][u] *= DropoutMask.scale(dropoutSeed, key, k - 1, t, u, spec.dropout());
                        }
                    }
                }
            }
        }
        return new GradientAccumulator.BatchSums(lossSum,
                labelledSteps * spec.loss().countPerLabelledStep(spec.outputSize()));
    }

    @Override
    public ForwardResult forward(double[] params, SequenceBatch batch, OutputMode mode, RecurrentState initial) {
        layout.checkLength(params);
        int v = spec.headWidth();
        double[] outputs = new double[(mode == OutputMode.EVERY_STEP ? batch.totalSteps() : batch.size()) * v];
        RecurrentState finalState = RecurrentState.zeros(spec, batch.size());
        int top = spec.layerCount() - 1;
        for (int b = 0; b < batch.size(); b++) {
            Trace trace = forwardSequence(params, batch, b, initial, false, 0L, 0L);
            int steps = batch.length(b);
            for (int t = 0; t < steps; t++) {
                if (mode == OutputMode.LAST_STEP && t != steps - 1) {
                    continue;
                }
                double[] read = mode == OutputMode.LAST_STEP
                        ? pooled(trace.out[top], new int[spec.headInputSize()]) : trace.out[top][t];
                double[] y = output(params, read, batch, b);
                if (spec.loss().isClassification()) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (double value : y) {
                        max = Math.max(max, value);
                    }
                    double total = 0;
                    for (int j = 0; j < v; j++) {
                        y[j] = Math.exp(y[j] - max);
                        total += y[j];
                    }
                    for (int j = 0; j < v; j++) {
                        y[j] /= total;
                    }
                }
                int row = mode == OutputMode.EVERY_STEP ? batch.stepOffset(b) + t : b;
                System.arraycopy(y, 0, outputs, row * v, v);
            }
            for (int k = 0; k <= top; k++) {
                int h = spec.layer(k).hiddenSize();
                System.arraycopy(trace.h[k][0][steps - 1], 0, finalState.h(k), b * h, h);
                if (finalState.c(k) != null) {
                    System.arraycopy(trace.c[k][0][steps - 1], 0, finalState.c(k), b * h, h);
                }
            }
        }
        return new ForwardResult(mode, v, outputs, finalState);
    }

    /**
     * What a many-to-one head reads from the top layer's outputs {@code out} [t][D·H]: the last state
     * (bidirectional: forward half at the last step, reverse half at step 0), the mean, or the maximum, whose step
     * per unit goes to {@code argmax}.
     */
    private double[] pooled(double[][] out, int[] argmax) {
        int steps = out.length;
        int width = out[0].length;
        int half = width / directions;
        double[] read = new double[width];
        switch (spec.pooling()) {
            case LAST -> {
                System.arraycopy(out[steps - 1], 0, read, 0, half);
                System.arraycopy(out[directions == 2 ? 0 : steps - 1], half, read, half, width - half);
            }
            case MEAN -> {
                for (double[] step : out) {
                    for (int u = 0; u < width; u++) {
                        read[u] += step[u] / steps;
                    }
                }
            }
            case MAX -> {
                for (int u = 0; u < width; u++) {
                    read[u] = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t < steps; t++) {
                        if (out[t][u] > read[u]) {
                            read[u] = out[t][u];
                            argmax[u] = t;
                        }
                    }
                }
            }
        }
        return read;
    }

    /** The gradient of the pooled vector, back to the steps it was read from. */
    private void unpool(double[] dRead, double[][] dOut, int[] argmax) {
        int steps = dOut.length;
        int width = dRead.length;
        int half = width / directions;
        for (int u = 0; u < width; u++) {
            switch (spec.pooling()) {
                case LAST -> dOut[u < half || directions == 1 ? steps - 1 : 0][u] += dRead[u];
                case MEAN -> {
                    for (int t = 0; t < steps; t++) {
                        dOut[t][u] += dRead[u] / steps;
                    }
                }
                case MAX -> dOut[argmax[u]][u] += dRead[u];
            }
        }
    }

    /** Activations of every layer and direction at every step of one sequence. */
    private static final class Trace {
        double[][][] input;    // [layer][t][I_k] what the layer read (after dropout)
        double[][][][] gates;  // [layer][dir][t][G·H] activations (LSTM i f g o; GRU r z n)
        double[][][][] hzn;    // [layer][dir][t][H] GRU: W_hn h_{t−1} + b_hn
        double[][][][] c;      // [layer][dir][t][H] (LSTM)
        double[][][][] h;      // [layer][dir][t][H]
        double[][][] out;      // [layer][t][D·H] both directions side by side
        double[][] h0;         // [layer][H] forward state before step 0
        double[][] c0;         // [layer][H]
    }

    private Trace forwardSequence(double[] params, SequenceBatch batch, int b, RecurrentState initial,
                                  boolean training, long seed, long key) {
        int steps = batch.length(b);
        int layers = spec.layerCount();
        Trace trace = new Trace();
        trace.input = new double[layers][][];
        trace.gates = new double[layers][directions][][];
        trace.hzn = new double[layers][directions][][];
        trace.c = new double[layers][directions][][];
        trace.h = new double[layers][directions][][];
        trace.out = new double[layers][][];
        trace.h0 = new double[layers][];
        trace.c0 = new double[layers][];
        double[][] input = new double[steps][spec.inputSize()];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < spec.inputSize(); i++) {
                input[t][i] = batch.feature(b, t, i);
            }
        }
        for (int k = 0; k < layers; k++) {
            LayerSpec layer = spec.layer(k);
            int h = layer.hiddenSize();
            trace.input[k] = input;
            trace.h0[k] = new double[h];
            trace.c0[k] = new double[h];
            if (initial != null) {
                System.arraycopy(initial.h(k), b * h, trace.h0[k], 0, h);
                if (layer.cell() == CellType.LSTM) {
                    System.arraycopy(initial.c(k), b * h, trace.c0[k], 0, h);
                }
            }
            trace.out[k] = new double[steps][directions * h];
            for (int d = 0; d < directions; d++) {
                forwardDirection(params, trace, k, d, input);
                for (int t = 0; t < steps; t++) {
                    System.arraycopy(trace.h[k][d][t], 0, trace.out[k][t], d * h, h);
                }
            }
            input = trace.out[k];
            if (training && spec.dropout() > 0 && k < layers - 1) {
                double[][] dropped = new double[steps][];
                for (int t = 0; t < steps; t++) {
                    dropped[t] = input[t].clone();
                    for (int u = 0; u < dropped[t].length; u++) {
                        dropped[t][u] *= DropoutMask.scale(seed, key, k, t, u, spec.dropout());
                    }
                }
                input = dropped;
            }
        }
        return trace;
    }

    /** One direction of layer k over the whole sequence: forward in time (d = 0) or from the last step (d = 1). */
    private void forwardDirection(double[] params, Trace trace, int k, int d, double[][] input) {
        LayerSpec layer = spec.layer(k);
        int steps = input.length;
        int h = layer.hiddenSize();
        int in = spec.layerInputSize(k);
        int gh = layer.gateRows();
        ParameterLayout.LayerBlocks blocks = layout.layer(k, d);
        double[] hPrev = d == 0 ? trace.h0[k] : new double[h];
        double[] cPrev = d == 0 ? trace.c0[k] : new double[h];
        trace.gates[k][d] = new double[steps][gh];
        trace.hzn[k][d] = new double[steps][h];
        trace.c[k][d] = new double[steps][h];
        trace.h[k][d] = new double[steps][h];
        for (int s = 0; s < steps; s++) {
            int t = d == 0 ? s : steps - 1 - s;
            double[] x = input[t];
            double[] z = trace.gates[k][d][t];
            double[] zh = new double[gh]; // the recurrent side W_hh h_{t−1} (+ b_hh for GRU)
            for (int r = 0; r < gh; r++) {
                double sum = params[blocks.bias().offset() + r];
                for (int i = 0; i < in; i++) {
                    sum += params[blocks.inputWeights().offset() + r * in + i] * x[i];
                }
                double rec = blocks.recurrentBias() == null ? 0 : params[blocks.recurrentBias().offset() + r];
                for (int j = 0; j < h; j++) {
                    rec += params[blocks.recurrentWeights().offset() + r * h + j] * hPrev[j];
                }
                z[r] = sum;
                zh[r] = rec;
            }
            double[] hNow = trace.h[k][d][t];
            switch (layer.cell()) {
                case LSTM -> {
                    for (int j = 0; j < h; j++) {
                        double i = sigmoid(z[j] + zh[j]);
                        double f = sigmoid(z[h + j] + zh[h + j]);
                        double g = Math.tanh(z[2 * h + j] + zh[2 * h + j]);
                        double o = sigmoid(z[3 * h + j] + zh[3 * h + j]);
                        z[j] = i;
                        z[h + j] = f;
                        z[2 * h + j] = g;
                        z[3 * h + j] = o;
                        trace.c[k][d][t][j] = g * i + f * cPrev[j];           // state_t = a⊙i + f⊙state_{t−1}
                        hNow[j] = Math.tanh(trace.c[k][d][t][j]) * o;         // out_t = tanh(state_t)⊙o
                    }
                    cPrev = trace.c[k][d][t];
                }
                case GRU -> {
                    for (int j = 0; j < h; j++) {
                        double r = sigmoid(z[j] + zh[j]);
                        double u = sigmoid(z[h + j] + zh[h + j]);
                        double n = Math.tanh(z[2 * h + j] + r * zh[2 * h + j]); // n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn))
                        z[j] = r;
                        z[h + j] = u;
                        z[2 * h + j] = n;
                        trace.hzn[k][d][t][j] = zh[2 * h + j];
                        hNow[j] = (1 - u) * n + u * hPrev[j];                  // h_t = (1−z)⊙n + z⊙h_{t−1}
                    }
                }
                case RNN -> {
                    for (int j = 0; j < h; j++) {
                        double a = z[j] + zh[j];
                        z[j] = layer.activation() == Activation.TANH ? Math.tanh(a) : a;
                        hNow[j] = z[j];
                    }
                }
            }
            hPrev = hNow;
        }
    }

    /**
     * BPTT through layer k of one sequence, given dL/d(output_t) from above ([t][D·H]); adds its parameter
     * gradients and returns dL/d(input_t) for the layer below, summed over the directions.
     */
    private double[][] backwardLayer(double[] params, double[] grad, Trace trace, int k, double[][] dOut) {
        int steps = dOut.length;
        double[][] dInput = new double[steps][spec.layerInputSize(k)];
        for (int d = 0; d < directions; d++) {
            backwardDirection(params, grad, trace, k, d, dOut, dInput);
        }
        return dInput;
    }

    private void backwardDirection(double[] params, double[] grad, Trace trace, int k, int d, double[][] dOut,
                                   double[][] dInput) {
        LayerSpec layer = spec.layer(k);
        int h = layer.hiddenSize();
        int in = spec.layerInputSize(k);
        int gh = layer.gateRows();
        ParameterLayout.LayerBlocks blocks = layout.layer(k, d);
        int steps = dOut.length;
        double[] dhNext = new double[h];  // gradient into h_t from the step processed after t
        double[] dcNext = new double[h];  // δstate_{t+1} ⊙ f_{t+1}
        for (int s = 0; s < steps; s++) {
            int t = d == 0 ? steps - 1 - s : s;  // the reverse of the forward order
            if (d == 0 && truncation > 0 && (t + 1) % truncation == 0) {
                // t is the last step of a chunk: nothing flows back from the next chunk
                java.util.Arrays.fill(dhNext, 0);
                java.util.Arrays.fill(dcNext, 0);
            }
            double[] a = trace.gates[k][d][t];
            int previous = d == 0 ? t - 1 : t + 1;
            boolean hasPrevious = previous >= 0 && previous < steps;
            double[] hPrev = hasPrevious ? trace.h[k][d][previous] : d == 0 ? trace.h0[k] : new double[h];
            double[] cPrev = hasPrevious ? trace.c[k][d][previous] : d == 0 ? trace.c0[k] : new double[h];
            double[] dz = new double[gh];   // input side
            double[] dzh = new double[gh];  // recurrent side (differs from dz for GRU only)
            double[] direct = new double[h]; // GRU: dh⊙z straight into h_{t−1}
            for (int j = 0; j < h; j++) {
                double dh = dOut[t][d * h + j] + dhNext[j];           // Δout_t
                switch (layer.cell()) {
                    case LSTM -> {
                        double i = a[j];
                        double f = a[h + j];
                        double g = a[2 * h + j];
                        double o = a[3 * h + j];
                        double tanhState = Math.tanh(trace.c[k][d][t][j]);
                        double dState = dh * o * (1 - tanhState * tanhState) + dcNext[j];
                        dz[j] = dState * g * i * (1 - i);                 // δi
                        dz[h + j] = dState * cPrev[j] * f * (1 - f);      // δf
                        dz[2 * h + j] = dState * i * (1 - g * g);         // δa
                        dz[3 * h + j] = dh * tanhState * o * (1 - o);     // δo: no term from t+1
                        dcNext[j] = dState * f;
                    }
                    case GRU -> {
                        double r = a[j];
                        double u = a[h + j];
                        double n = a[2 * h + j];
                        double dn = dh * (1 - u) * (1 - n * n);
                        dz[j] = dn * trace.hzn[k][d][t][j] * r * (1 - r); // δr
                        dz[h + j] = dh * (hPrev[j] - n) * u * (1 - u);    // δz
                        dz[2 * h + j] = dn;                               // δn
                        direct[j] = dh * u;
                    }
                    case RNN -> {
                        double y = trace.h[k][d][t][j];
                        dz[j] = layer.activation() == Activation.TANH ? dh * (1 - y * y) : dh;
                    }
                }
            }
            System.arraycopy(dz, 0, dzh, 0, gh);
            if (layer.cell() == CellType.GRU) {
                for (int j = 0; j < h; j++) {
                    dzh[2 * h + j] = dz[2 * h + j] * a[j];                // into W_hn h + b_hn: δn⊙r
                }
            }
            System.arraycopy(direct, 0, dhNext, 0, h);
            double[] x = trace.input[k][t];
            for (int r = 0; r < gh; r++) {
                grad[blocks.bias().offset() + r] += dz[r];
                if (blocks.recurrentBias() != null) {
                    grad[blocks.recurrentBias().offset() + r] += dzh[r];
                }
                for (int i = 0; i < in; i++) {
                    grad[blocks.inputWeights().offset() + r * in + i] += dz[r] * x[i];
                    dInput[t][i] += dz[r] * params[blocks.inputWeights().offset() + r * in + i];
                }
                for (int j = 0; j < h; j++) {
                    grad[blocks.recurrentWeights().offset() + r * h + j] += dzh[r] * hPrev[j];
                    dhNext[j] += dzh[r] * params[blocks.recurrentWeights().offset() + r * h + j];
                }
            }
        }
    }

    /** The network's output for sequence b from what the head reads: the head, or the decoder then the head. */
    private double[] output(double[] params, double[] read, SequenceBatch batch, int b) {
        if (!spec.hasDecoder()) {
            return dense(params, layout.headWeight(), layout.headBias(), read);
        }
        int steps = spec.decoder().steps();
        int p = spec.outputLayerSize();
        double[] y = new double[steps * p];
        for (int s = 0; s < steps; s++) {
            double[] units = relu(dense(params, layout.decoderWeight(), layout.decoderBias(),
                    decoderInput(read, batch, b, s)));
            System.arraycopy(dense(params, layout.headWeight(), layout.headBias(), units), 0, y, s * p, p);
        }
        return y;
    }

    /** Adds the output layers' gradients for dL/dy = {@code dy}; returns dL/d(what the head read). */
    private double[] outputBackward(double[] params, double[] grad, double[] read, SequenceBatch batch, int b,
                                    double[] dy) {
        if (!spec.hasDecoder()) {
            return denseBackward(params, grad, layout.headWeight(), layout.headBias(), read, dy);
        }
        int steps = spec.decoder().steps();
        int p = spec.outputLayerSize();
        double[] dRead = new double[read.length];
        for (int s = 0; s < steps; s++) {
            double[] z = decoderInput(read, batch, b, s);
            double[] pre = dense(params, layout.decoderWeight(), layout.decoderBias(), z);
            double[] dUnits = denseBackward(params, grad, layout.headWeight(), layout.headBias(), relu(pre),
                    java.util.Arrays.copyOfRange(dy, s * p, s * p + p));
            for (int u = 0; u < pre.length; u++) {
                dUnits[u] = pre[u] > 0 ? dUnits[u] : 0.0;
            }
            double[] dz = denseBackward(params, grad, layout.decoderWeight(), layout.decoderBias(), z, dUnits);
            for (int i = 0; i < dRead.length; i++) {
                dRead[i] += dz[i];
            }
        }
        return dRead;
    }

    /** The decoder's input at predicted step s of sequence b: [read ; the known features of its future row s]. */
    private double[] decoderInput(double[] read, SequenceBatch batch, int b, int s) {
        int[] known = spec.decoder().featureIndices();
        double[] z = java.util.Arrays.copyOf(read, read.length + known.length);
        int row = (b * spec.decoder().steps() + s) * batch.inputSize();
        for (int k = 0; k < known.length; k++) {
            z[read.length + k] = batch.future()[row + known[k]];
        }
        return z;
    }

    private static double[] relu(double[] x) {
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = Math.max(x[j], 0.0);
        }
        return out;
    }

    /** W·x + b for a dense layer's blocks. */
    private static double[] dense(double[] params, ParameterBlock weight, ParameterBlock bias, double[] x) {
        int width = x.length;
        double[] y = new double[weight.rows()];
        for (int j = 0; j < y.length; j++) {
            double sum = params[bias.offset() + j];
            for (int i = 0; i < width; i++) {
                sum += params[weight.offset() + j * width + i] * x[i];
            }
            y[j] = sum;
        }
        return y;
    }

    /** Adds a dense layer's gradients for dL/dy; returns dL/dx. */
    private static double[] denseBackward(double[] params, double[] grad, ParameterBlock weight, ParameterBlock bias,
                                          double[] x, double[] dy) {
        int width = x.length;
        double[] dx = new double[width];
        for (int j = 0; j < dy.length; j++) {
            grad[bias.offset() + j] += dy[j];
            for (int i = 0; i < width; i++) {
                grad[weight.offset() + j * width + i] += dy[j] * x[i];
                dx[i] += dy[j] * params[weight.offset() + j * width + i];
            }
        }
        return dx;
    }

    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
