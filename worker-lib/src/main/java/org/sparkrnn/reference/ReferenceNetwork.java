package org.sparkrnn.reference;

import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.SequenceBatch;
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
import org.sparkrnn.model.ParameterLayout;

/**
 * The plain, obviously-correct path the fast kernel is tested against: one sequence at a time, scalar loops in
 * float64 that read like the equations of the Gomez example, no BLAS, no packing, no buffer reuse. Slow on purpose.
 *
 * <p>Truncated BPTT by definition: the forward pass is the full one; going backward, the recurrent gradient
 * (into h_{t−1} and c_{t−1}) is dropped whenever it would cross from the first step of a chunk into the last step of
 * the previous chunk.
 */
public final class ReferenceNetwork implements NetworkKernel {

    private final NetworkSpec spec;
    private final ParameterLayout layout;
    private final int truncation;

    public ReferenceNetwork(NetworkSpec spec, int bpttTruncation) {
        this.spec = spec;
        this.layout = new ParameterLayout(spec);
        this.truncation = bpttTruncation;
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
        accumulate(params, batch, null, into);
    }

    @Override
    public void accumulate(double[] params, SequenceBatch batch, RecurrentState initial, GradientAccumulator into) {
        layout.checkLength(params);
        double[] grad = into.gradientFor(layout);
        double lossSum = 0;
        long labelledSteps = 0;
        for (int b = 0; b < batch.size(); b++) {
            Trace trace = forwardSequence(params, batch, b, initial);
            int steps = batch.length(b);
            int top = spec.layerCount() - 1;
            int hTop = spec.topHiddenSize();
            int v = spec.outputSize();
            double[][] dOut = new double[steps][hTop]; // dL/dh of the top layer, from the head
            for (int t = 0; t < steps; t++) {
                if (!batch.isLabelled(b, t)) {
                    continue;
                }
                labelledSteps++;
                double[] y = head(params, trace.h[top][t]);
                double[] dy = new double[v];
                int row = batch.labelRow(b, t);
                if (spec.loss() == Loss.CROSS_ENTROPY) {
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
                int wOff = layout.headWeight().offset();
                for (int j = 0; j < v; j++) {
                    grad[layout.headBias().offset() + j] += dy[j];
                    for (int i = 0; i < hTop; i++) {
                        grad[wOff + j * hTop + i] += dy[j] * trace.h[top][t][i];
                        dOut[t][i] += dy[j] * params[wOff + j * hTop + i];
                    }
                }
            }
            for (int k = top; k >= 0; k--) {
                dOut = backwardLayer(params, grad, trace, k, dOut);
            }
        }
        into.addSums(lossSum, labelledSteps * spec.loss().countPerLabelledStep(spec.outputSize()), batch.size());
    }

    @Override
    public ForwardResult forward(double[] params, SequenceBatch batch, OutputMode mode, RecurrentState initial) {
        layout.checkLength(params);
        int v = spec.outputSize();
        double[] outputs = new double[(mode == OutputMode.EVERY_STEP ? batch.totalSteps() : batch.size()) * v];
        RecurrentState finalState = RecurrentState.zeros(spec, batch.size());
        int top = spec.layerCount() - 1;
        for (int b = 0; b < batch.size(); b++) {
            Trace trace = forwardSequence(params, batch, b, initial);
            int steps = batch.length(b);
            for (int t = 0; t < steps; t++) {
                if (mode == OutputMode.LAST_STEP && t != steps - 1) {
                    continue;
                }
                double[] y = head(params, trace.h[top][t]);
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
                System.arraycopy(trace.h[k][steps - 1], 0, finalState.h(k), b * h, h);
                if (finalState.c(k) != null) {
                    System.arraycopy(trace.c[k][steps - 1], 0, finalState.c(k), b * h, h);
                }
            }
        }
        return new ForwardResult(mode, v, outputs, finalState);
    }

    /** Activations of every layer at every step of one sequence. */
    private static final class Trace {
        double[][][] input;  // [layer][t][I_k]
        double[][][] gates;  // [layer][t][G·H] activations (LSTM: i, f, g, o)
        double[][][] c;      // [layer][t][H] (LSTM)
        double[][][] h;      // [layer][t][H]
        double[][] h0;       // [layer][H] state before step 0
        double[][] c0;       // [layer][H]
    }

    private Trace forwardSequence(double[] params, SequenceBatch batch, int b, RecurrentState initial) {
        int steps = batch.length(b);
        int layers = spec.layerCount();
        Trace trace = new Trace();
        trace.input = new double[layers][][];
        trace.gates = new double[layers][][];
        trace.c = new double[layers][][];
        trace.h = new double[layers][][];
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
            int in = spec.layerInputSize(k);
            ParameterLayout.LayerBlocks blocks = layout.layer(k);
            boolean lstm = layer.cell() == CellType.LSTM;
            double[] hPrev = new double[h];
            double[] cPrev = new double[h];
            if (initial != null) {
                System.arraycopy(initial.h(k), b * h, hPrev, 0, h);
                if (lstm) {
                    System.arraycopy(initial.c(k), b * h, cPrev, 0, h);
                }
            }
            trace.input[k] = input;
            trace.h0[k] = hPrev;
            trace.c0[k] = cPrev;
            trace.gates[k] = new double[steps][layer.gateRows()];
            trace.c[k] = new double[steps][h];
            trace.h[k] = new double[steps][h];
            for (int t = 0; t < steps; t++) {
                double[] z = trace.gates[k][t];
                for (int r = 0; r < layer.gateRows(); r++) {
                    double sum = params[blocks.bias().offset() + r];
                    for (int i = 0; i < in; i++) {
                        sum += params[blocks.inputWeights().offset() + r * in + i] * input[t][i];
                    }
                    for (int j = 0; j < h; j++) {
                        sum += params[blocks.recurrentWeights().offset() + r * h + j] * hPrev[j];
                    }
                    z[r] = sum;
                }
                if (lstm) {
                    for (int j = 0; j < h; j++) {
                        double i = sigmoid(z[j]);
                        double f = sigmoid(z[h + j]);
                        double g = Math.tanh(z[2 * h + j]);
                        double o = sigmoid(z[3 * h + j]);
                        z[j] = i;
                        z[h + j] = f;
                        z[2 * h + j] = g;
                        z[3 * h + j] = o;
                        trace.c[k][t][j] = g * i + f * cPrev[j];             // state_t = a⊙i + f⊙state_{t−1}
                        trace.h[k][t][j] = Math.tanh(trace.c[k][t][j]) * o;  // out_t = tanh(state_t)⊙o
                    }
                    cPrev = trace.c[k][t];
                } else {
                    for (int j = 0; j < h; j++) {
                        z[j] = layer.activation() == Activation.TANH ? Math.tanh(z[j]) : z[j];
                        trace.h[k][t][j] = z[j];
                    }
                }
                hPrev = trace.h[k][t];
            }
            input = trace.h[k];
        }
        return trace;
    }

    /**
     * BPTT through layer k of one sequence, given dL/dh_t from above; adds its parameter gradients and returns
     * dL/dinput_t for the layer below.
     */
    private double[][] backwardLayer(double[] params, double[] grad, Trace trace, int k, double[][] dOut) {
        LayerSpec layer = spec.layer(k);
        int h = layer.hiddenSize();
        int in = spec.layerInputSize(k);
        int gh = layer.gateRows();
        ParameterLayout.LayerBlocks blocks = layout.layer(k);
        boolean lstm = layer.cell() == CellType.LSTM;
        int steps = dOut.length;
        double[][] dInput = new double[steps][in];
        double[] dhNext = new double[h];  // Uᵀ·δgates_{t+1}
        double[] dcNext = new double[h];  // δstate_{t+1} ⊙ f_{t+1}
        for (int t = steps - 1; t >= 0; t--) {
            if (truncation > 0 && (t + 1) % truncation == 0) {
                // t is the last step of a chunk: nothing flows back from the next chunk
                java.util.Arrays.fill(dhNext, 0);
                java.util.Arrays.fill(dcNext, 0);
            }
            double[] a = trace.gates[k][t];
            double[] hPrev = t == 0 ? trace.h0[k] : trace.h[k][t - 1];
            double[] cPrev = t == 0 ? trace.c0[k] : trace.c[k][t - 1];
            double[] dz = new double[gh];
            for (int j = 0; j < h; j++) {
                double dh = dOut[t][j] + dhNext[j];                   // Δout_t
                if (lstm) {
                    double i = a[j];
                    double f = a[h + j];
                    double g = a[2 * h + j];
                    double o = a[3 * h + j];
                    double tanhState = Math.tanh(trace.c[k][t][j]);
                    double dState = dh * o * (1 - tanhState * tanhState) + dcNext[j];
                    dz[j] = dState * g * i * (1 - i);                 // δi
                    dz[h + j] = dState * cPrev[j] * f * (1 - f);      // δf
                    dz[2 * h + j] = dState * i * (1 - g * g);         // δa
                    dz[3 * h + j] = dh * tanhState * o * (1 - o);     // δo: no term from t+1
                    dcNext[j] = dState * f;
                } else {
                    double y = trace.h[k][t][j];
                    dz[j] = layer.activation() == Activation.TANH ? dh * (1 - y * y) : dh;
                }
            }
            java.util.Arrays.fill(dhNext, 0);
            double[] x = trace.input[k][t];
            for (int r = 0; r < gh; r++) {
                grad[blocks.bias().offset() + r] += dz[r];
                for (int i = 0; i < in; i++) {
                    grad[blocks.inputWeights().offset() + r * in + i] += dz[r] * x[i];
                    dInput[t][i] += dz[r] * params[blocks.inputWeights().offset() + r * in + i];
                }
                for (int j = 0; j < h; j++) {
                    grad[blocks.recurrentWeights().offset() + r * h + j] += dz[r] * hPrev[j];
                    dhNext[j] += dz[r] * params[blocks.recurrentWeights().offset() + r * h + j];
                }
            }
        }
        return dInput;
    }

    private double[] head(double[] params, double[] hTop) {
        int v = spec.outputSize();
        int hSize = hTop.length;
        double[] y = new double[v];
        for (int j = 0; j < v; j++) {
            double sum = params[layout.headBias().offset() + j];
            for (int i = 0; i < hSize; i++) {
                sum += params[layout.headWeight().offset() + j * hSize + i] * hTop[i];
            }
            y[j] = sum;
        }
        return y;
    }

    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
