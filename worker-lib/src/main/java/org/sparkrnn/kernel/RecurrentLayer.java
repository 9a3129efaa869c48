package org.sparkrnn.kernel;

import org.sparkrnn.model.Activation;
import org.sparkrnn.model.CellType;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.ParameterLayout;

/**
 * One recurrent layer (LSTM or simple RNN) run over a chunk of steps [t0, t1) of a {@link BatchPlan}: its forward
 * pass and its BPTT, with the buffers they keep. Buffers hold chunk-local rows (packed row − rowStart[t0]).
 *
 * <p>The per-step work is two small GEMMs (recurrent input forward; gradient to h_{t−1} backward) and the
 * pointwise cell; everything that does not depend on the previous step is one GEMM over the whole chunk:
 * the input projection W·x, and backward dW_ih, dW_hh, db and the gradient to the layer below.
 */
final class RecurrentLayer<A> {

    private final Numerics<A> num;
    final CellType cell;
    private final Activation activation;
    final int in;            // I_k
    final int h;             // H_k
    private final int gh;    // G·H_k
    private final int wih;   // offsets into the flat parameter/gradient arrays
    private final int whh;
    private final int bias;

    // chunk rows (capacity rowsCap)
    private A z;             // [rows × G·H] pre-activations -> activations -> (backward) gate gradients
    private A c;             // [rows × H] cell state (LSTM)
    private A tanhC;         // [rows × H] tanh(c) (LSTM)
    A out;                   // [rows × H] hidden output h
    // state entering the chunk, one row per packed position (capacity batchCap)
    A hCarry;                // [B × H]
    A cCarry;                // [B × H] (LSTM)

    RecurrentLayer(Numerics<A> num, LayerSpec spec, int inputSize, ParameterLayout.LayerBlocks blocks) {
        this.num = num;
        this.cell = spec.cell();
        this.activation = spec.activation();
        this.in = inputSize;
        this.h = spec.hiddenSize();
        this.gh = spec.gateRows();
        this.wih = blocks.inputWeights().offset();
        this.whh = blocks.recurrentWeights().offset();
        this.bias = blocks.bias().offset();
    }

    int gateRows() {
        return gh;
    }

    /** The gate buffer (activations after forward, gate gradients after backward). */
    A gates() {
        return z;
    }

    void ensureCapacity(int rows, int batch) {
        if (out == null || num.length(out) < rows * h) {
            z = num.allocate(rows * gh);
            out = num.allocate(rows * h);
            if (cell == CellType.LSTM) {
                c = num.allocate(rows * h);
                tanhC = num.allocate(rows * h);
            }
        }
        if (hCarry == null || num.length(hCarry) < batch * h) {
            hCarry = num.allocate(batch * h);
            if (cell == CellType.LSTM) {
                cCarry = num.allocate(batch * h);
            }
        }
    }

    /** Sets the carried state to {@code h0}/{@code c0} (B × H, batch order; null = zeros) in packed order. */
    void resetState(BatchPlan plan, double[] h0, double[] c0) {
        int b = plan.batchSize;
        if (h0 == null) {
            num.fillZero(hCarry, 0, b * h);
            if (cell == CellType.LSTM) {
                num.fillZero(cCarry, 0, b * h);
            }
            return;
        }
        for (int p = 0; p < b; p++) {
            int src = plan.order[p] * h;
            num.loadDoubles(h0, src, hCarry, p * h, h);
            if (cell == CellType.LSTM) {
                num.loadDoubles(c0, src, cCarry, p * h, h);
            }
        }
    }

    /** Forward over steps [t0, t1): reads {@code input} (chunk rows × I), writes z, c, tanh(c), out. */
    void forward(A w, A input, BatchPlan plan, int t0, int t1) {
        int base = plan.rowStart[t0];
        int rows = plan.rowStart[t1] - base;
        // z = x·W_ihᵀ + b for the whole chunk at once
        num.gemm(false, true, rows, gh, in, 1.0, input, 0, in, w, wih, in, 0.0, z, 0, gh);
        num.addRowVector(z, 0, rows, gh, w, bias);
        for (int t = t0; t < t1; t++) {
            int n = plan.active[t];
            int r = plan.rowStart[t] - base;
            A hPrev = t == t0 ? hCarry : out;
            int prev = t == t0 ? 0 : (plan.rowStart[t - 1] - base) * h;
            // z_t += h_{t-1}·W_hhᵀ
            num.gemm(false, true, n, gh, h, 1.0, hPrev, prev, h, w, whh, h, 1.0, z, r * gh, gh);
            if (cell == CellType.LSTM) {
                A cPrev = t == t0 ? cCarry : c;
                num.lstmForward(n, h, z, r * gh, cPrev, prev, c, r * h, tanhC, r * h, out, r * h);
            } else {
                num.rnnForward(activation, n, h, z, r * gh, out, r * h);
            }
        }
    }

    /**
     * BPTT over steps [t1−1 .. t0]: {@code dOut} (chunk rows × H) is the loss gradient reaching each h_t from above
     * (the head or the next layer); gradients are added into {@code g}. When {@code dInput} is not null it receives
     * the gradient with respect to {@code input} (chunk rows × I). {@code dhNext}, {@code dcNext} (B × H) and
     * {@code scratch} (rows × H) are work buffers. The gradient into the carried state at t0 is cut (truncation).
     */
    void backward(A w, A g, A input, A dOut, A dInput, A dhNext, A dcNext, A scratch,
                  BatchPlan plan, int t0, int t1) {
        int base = plan.rowStart[t0];
        int rows = plan.rowStart[t1] - base;
        num.fillZero(dhNext, 0, plan.active[t1 - 1] * h);
        if (cell == CellType.LSTM) {
            num.fillZero(dcNext, 0, plan.active[t1 - 1] * h);
        }
        for (int t = t1 - 1; t >= t0; t--) {
            int n = plan.active[t];
            int r = plan.rowStart[t] - base;
            if (t < t1 - 1) {
                // positions [n_{t+1}, n_t) end at step t: nothing flows back into them from t+1
                int ended = plan.active[t + 1];
                num.fillZero(dhNext, ended * h, (n - ended) * h);
                if (cell == CellType.LSTM) {
                    num.fillZero(dcNext, ended * h, (n - ended) * h);
                }
            }
            A hPrev = t == t0 ? hCarry : out;
            int prev = t == t0 ? 0 : (plan.rowStart[t - 1] - base) * h;
            if (cell == CellType.LSTM) {
                A cPrev = t == t0 ? cCarry : c;
                num.lstmBackward(n, h, z, r * gh, tanhC, r * h, cPrev, prev, dOut, r * h, dhNext, dcNext);
            } else {
                num.rnnBackward(activation, n, h, out, r * h, dOut, r * h, dhNext, z, r * gh);
            }
            // h_{t-1} rows as one contiguous block, for one dW_hh GEMM after the loop
            num.copy(hPrev, prev, scratch, r * h, n * h);
            if (t > t0) {
                // dh_{t-1} (from step t) = dz_t·W_hh
                num.gemm(false, false, n, h, gh, 1.0, z, r * gh, gh, w, whh, h, 0.0, dhNext, 0, h);
            }
        }
        // dW_ih += dzᵀ·x, dW_hh += dzᵀ·h_{t-1}, db += Σ dz, over the whole chunk
        num.gemm(true, false, gh, in, rows, 1.0, z, 0, gh, input, 0, in, 1.0, g, wih, in);
        num.gemm(true, false, gh, h, rows, 1.0, z, 0, gh, scratch, 0, h, 1.0, g, whh, h);
        num.addColumnSums(z, 0, rows, gh, g, bias);
        if (dInput != null) {
            num.gemm(false, false, rows, in, gh, 1.0, z, 0, gh, w, wih, in, 0.0, dInput, 0, in);
        }
    }

    /** After a chunk: the state at step t1−1 becomes the carried state of the next chunk. */
    void carryForward(BatchPlan plan, int t0, int t1) {
        int n = plan.active[t1 - 1];
        int last = (plan.rowStart[t1 - 1] - plan.rowStart[t0]) * h;
        num.copy(out, last, hCarry, 0, n * h);
        if (cell == CellType.LSTM) {
            num.copy(c, last, cCarry, 0, n * h);
        }
    }

    /** Copies the final state of every sequence ending in [t0, t1) into {@code hFinal}/{@code cFinal} (batch order). */
    void storeFinalStates(BatchPlan plan, int t0, int t1, double[] hFinal, double[] cFinal) {
        int base = plan.rowStart[t0];
        for (int t = t0; t < t1; t++) {
            for (int p = plan.activeAt(t + 1); p < plan.active[t]; p++) {
                int row = (plan.rowStart[t] - base + p) * h;
                int dst = plan.order[p] * h;
                num.storeDoubles(out, row, hFinal, dst, h);
                if (cell == CellType.LSTM) {
                    num.storeDoubles(c, row, cFinal, dst, h);
                }
            }
        }
    }
}
