package org.sparkrnn.kernel;

import org.sparkrnn.model.Activation;
import org.sparkrnn.model.CellType;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.ParameterLayout;

/**
 * One direction of one recurrent layer (LSTM, simple RNN or GRU) run over a chunk of steps [t0, t1) of a
 * {@link BatchPlan}: its forward pass and its BPTT, with the buffers they keep. Buffers hold chunk-local rows
 * (packed row − rowStart[t0]).
 *
 * <p>The per-step work is two small GEMMs (recurrent input forward; gradient to the previous state backward) and
 * the pointwise cell; everything that does not depend on the previous step is one GEMM over the whole chunk: the
 * input projection W·x, and backward dW_ih, dW_hh, the biases and the gradient to the layer below.
 *
 * <p>A reverse direction (bidirectional layers; always one chunk, the whole batch) runs from the last step to the
 * first. Its "previous" state at step t is its state at step t+1 for the sequences still running there (packed
 * positions below n_{t+1}) and zeros for the sequences whose last real step is t: each sequence's reverse pass
 * starts at its own last step, never at padding.
 */
final class RecurrentLayer<A> {

    private final Numerics<A> num;
    final CellType cell;
    private final Activation activation;
    private final boolean reverse;
    final int in;            // I_k
    final int h;             // H_k
    private final int gh;    // G·H_k
    private final int wih;   // offsets into the flat parameter/gradient arrays
    private final int whh;
    private final int bias;
    private final int bhh;   // GRU: bias_hh; −1 otherwise

    // chunk rows (capacity rowsCap)
    private A z;             // [rows × G·H] pre-activations -> activations -> (backward) gate gradients
    private A hz;            // [rows × 3H] GRU: h_{t-1}·W_hhᵀ + b_hh -> (backward) hidden-side gate gradients
    private A c;             // [rows × H] cell state (LSTM)
    private A tanhC;         // [rows × H] tanh(c) (LSTM)
    A out;                   // [rows × H] hidden output h
    // state entering the chunk (forward) or the step (reverse), one row per packed position (capacity batchCap)
    A hCarry;                // [B × H]
    A cCarry;                // [B × H] (LSTM)

    RecurrentLayer(Numerics<A> num, LayerSpec spec, int inputSize, ParameterLayout.LayerBlocks blocks,
                   boolean reverse) {
        this.num = num;
        this.cell = spec.cell();
        this.activation = spec.activation();
        this.reverse = reverse;
        this.in = inputSize;
        this.h = spec.hiddenSize();
        this.gh = spec.gateRows();
        this.wih = blocks.inputWeights().offset();
        this.whh = blocks.recurrentWeights().offset();
        this.bias = blocks.bias().offset();
        this.bhh = blocks.recurrentBias() == null ? -1 : blocks.recurrentBias().offset();
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
            if (cell == CellType.GRU) {
                hz = num.allocate(rows * gh);
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
        num.gemmRows(rows, gh, in, input, 0, w, wih, 0.0, z, 0);
        num.addRowVector(z, 0, rows, gh, w, bias);
        for (int s = 0; s < t1 - t0; s++) {
            int t = reverse ? t1 - 1 - s : t0 + s;
            int n = plan.active[t];
            int r = plan.rowStart[t] - base;
            A hPrev;
            A cPrev;
            int prev;
            if (reverse) {
                loadReversePrevious(plan, t, base);
                hPrev = hCarry;
                cPrev = cCarry;
                prev = 0;
            } else {
                hPrev = t == t0 ? hCarry : out;
                cPrev = t == t0 ? cCarry : c;
                prev = t == t0 ? 0 : (plan.rowStart[t - 1] - base) * h;
            }
            if (cell == CellType.GRU) {
                // hz_t = h_{t-1}·W_hhᵀ + b_hh (kept apart: the reset gate multiplies its n block)
                num.gemmRows(n, gh, h, hPrev, prev, w, whh, 0.0, hz, r * gh);
                num.addRowVector(hz, r * gh, n, gh, w, bhh);
                num.gruForward(n, h, z, r * gh, hz, r * gh, hPrev, prev, out, r * h);
                continue;
            }
            // z_t += h_{t-1}·W_hhᵀ
            num.gemmRows(n, gh, h, hPrev, prev, w, whh, 1.0, z, r * gh);
            if (cell == CellType.LSTM) {
                num.lstmForward(n, h, z, r * gh, cPrev, prev, c, r * h, tanhC, r * h, out, r * h);
            } else {
                num.rnnForward(activation, n, h, z, r * gh, out, r * h);
            }
        }
    }

    /**
     * The reverse direction's state before step t, in hCarry/cCarry rows [0, n_t): its state at step t+1 for the
     * positions still running there, zeros for the sequences that end at t (their reverse pass starts here).
     */
    private void loadReversePrevious(BatchPlan plan, int t, int base) {
        int n = plan.active[t];
        int running = plan.activeAt(t + 1);
        if (running > 0) {
            int next = (plan.rowStart[t + 1] - base) * h;
            num.copy(out, next, hCarry, 0, running * h);
            if (cell == CellType.LSTM) {
                num.copy(c, next, cCarry, 0, running * h);
            }
        }
        num.fillZero(hCarry, running * h, (n - running) * h);
        if (cell == CellType.LSTM) {
            num.fillZero(cCarry, running * h, (n - running) * h);
        }
    }

    /**
     * BPTT over the chunk, in the opposite order of the forward pass: {@code dOut} (chunk rows × H) is the loss
     * gradient reaching each h_t from above (the head or the next layer); gradients are added into {@code g}. When
     * {@code dInput} is not null it receives the gradient with respect to {@code input} (chunk rows × I), added to
     * what it holds when {@code addToInput}. {@code dhNext}, {@code dcNext} (B × H) and {@code scratch} (rows × H)
     * are work buffers. The gradient into the carried state at t0 is cut (truncation).
     */
    void backward(A w, A g, A input, A dOut, A dInput, boolean addToInput, A dhNext, A dcNext, A scratch,
                  BatchPlan plan, int t0, int t1) {
        int base = plan.rowStart[t0];
        int rows = plan.rowStart[t1] - base;
        int first = reverse ? t0 : t1 - 1;
        num.fillZero(dhNext, 0, plan.active[first] * h);
        if (cell == CellType.LSTM) {
            num.fillZero(dcNext, 0, plan.active[first] * h);
        }
        A recurrentGates = cell == CellType.GRU ? hz : z; // what multiplies h_{t-1} through W_hh
        for (int s = 0; s < t1 - t0; s++) {
            int t = reverse ? t0 + s : t1 - 1 - s;
            int n = plan.active[t];
            int r = plan.rowStart[t] - base;
            if (!reverse && t < t1 - 1) {
                // positions [n_{t+1}, n_t) end at step t: nothing flows back into them from t+1
                int ended = plan.active[t + 1];
                num.fillZero(dhNext, ended * h, (n - ended) * h);
                if (cell == CellType.LSTM) {
                    num.fillZero(dcNext, ended * h, (n - ended) * h);
                }
            }
            A hPrev;
            A cPrev;
            int prev;
            int withPrevious; // positions whose previous state is a computed one (the gradient goes on to it)
            boolean lastInOrder; // the step processed first going forward: its previous state is the carry
            if (reverse) {
                loadReversePrevious(plan, t, base);
                hPrev = hCarry;
                cPrev = cCarry;
                prev = 0;
                withPrevious = plan.activeAt(t + 1);
                lastInOrder = t == t1 - 1;
            } else {
                hPrev = t == t0 ? hCarry : out;
                cPrev = t == t0 ? cCarry : c;
                prev = t == t0 ? 0 : (plan.rowStart[t - 1] - base) * h;
                withPrevious = n;
                lastInOrder = t == t0;
            }
            if (cell == CellType.LSTM) {
                num.lstmBackward(n, h, z, r * gh, tanhC, r * h, cPrev, prev, dOut, r * h, dhNext, dcNext);
            } else if (cell == CellType.GRU) {
                num.gruBackward(n, h, z, r * gh, hz, r * gh, hPrev, prev, dOut, r * h, dhNext);
            } else {
                num.rnnBackward(activation, n, h, out, r * h, dOut, r * h, dhNext, z, r * gh);
            }
            // h_{t-1} rows as one contiguous block, for one dW_hh GEMM after the loop
            num.copy(hPrev, prev, scratch, r * h, n * h);
            if (!lastInOrder && withPrevious > 0) {
                // dh_{t-1} (from step t) = dz_t·W_hh (GRU: + dh_t⊙z_t, already in dhNext)
                num.gemm(false, false, withPrevious, h, gh, 1.0, recurrentGates, r * gh, gh, w, whh, h,
                        cell == CellType.GRU ? 1.0 : 0.0, dhNext, 0, h);
            }
        }
        // dW_ih += dzᵀ·x, dW_hh += dzᵀ·h_{t-1}, biases += Σ dz, over the whole chunk
        num.gemm(true, false, gh, in, rows, 1.0, z, 0, gh, input, 0, in, 1.0, g, wih, in);
        num.gemm(true, false, gh, h, rows, 1.0, recurrentGates, 0, gh, scratch, 0, h, 1.0, g, whh, h);
        num.addColumnSums(z, 0, rows, gh, g, bias);
        if (cell == CellType.GRU) {
            num.addColumnSums(hz, 0, rows, gh, g, bhh);
        }
        if (dInput != null) {
            num.gemm(false, false, rows, in, gh, 1.0, z, 0, gh, w, wih, in, addToInput ? 1.0 : 0.0, dInput, 0, in);
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
