package org.sparkrnn.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The LSTM and GRU pointwise loops of {@link DoubleNumerics} as SIMD code over the hidden dimension, same equations, same
 * argument contract. Only loaded when {@link VectorSupport#AVAILABLE}; the scalar loops are the reference it is
 * tested against. Lanes past the last full vector run the scalar code.
 */
final class VectorLoopsDouble {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    private VectorLoopsDouble() {
    }

    /** Returns the first column j not handled (the caller finishes [j, h) with scalar code). */
    static int lstmForwardRow(int h, double[] gates, int gi, double[] cPrev, int cp, double[] c, int co, double[] tanhC,
                              int tco, double[] hOut, int ho) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        int bound = S.loopBound(h);
        int gf = gi + h;
        int gg = gf + h;
        int go = gg + h;
        for (int j = 0; j < bound; j += S.length()) {
            DoubleVector i = sigmoid(DoubleVector.fromArray(S, gates, gi + j), one);
            DoubleVector f = sigmoid(DoubleVector.fromArray(S, gates, gf + j), one);
            DoubleVector g = DoubleVector.fromArray(S, gates, gg + j).lanewise(VectorOperators.TANH);
            DoubleVector o = sigmoid(DoubleVector.fromArray(S, gates, go + j), one);
            i.intoArray(gates, gi + j);
            f.intoArray(gates, gf + j);
            g.intoArray(gates, gg + j);
            o.intoArray(gates, go + j);
            DoubleVector state = f.mul(DoubleVector.fromArray(S, cPrev, cp + j)).add(i.mul(g));
            DoubleVector tanhState = state.lanewise(VectorOperators.TANH);
            state.intoArray(c, co + j);
            tanhState.intoArray(tanhC, tco + j);
            o.mul(tanhState).intoArray(hOut, ho + j);
        }
        return bound;
    }

    static int lstmBackwardRow(int h, double[] gates, int gi, double[] tanhC, int tc, double[] cPrev, int cp,
                               double[] dhExt, int dh, double[] dhNext, double[] dcNext, int s) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        int bound = S.loopBound(h);
        int gf = gi + h;
        int gg = gf + h;
        int go = gg + h;
        for (int j = 0; j < bound; j += S.length()) {
            DoubleVector i = DoubleVector.fromArray(S, gates, gi + j);
            DoubleVector f = DoubleVector.fromArray(S, gates, gf + j);
            DoubleVector g = DoubleVector.fromArray(S, gates, gg + j);
            DoubleVector o = DoubleVector.fromArray(S, gates, go + j);
            DoubleVector t = DoubleVector.fromArray(S, tanhC, tc + j);
            DoubleVector d = DoubleVector.fromArray(S, dhExt, dh + j).add(DoubleVector.fromArray(S, dhNext, s + j));
            DoubleVector dState = d.mul(o).mul(one.sub(t.mul(t))).add(DoubleVector.fromArray(S, dcNext, s + j));
            dState.mul(g).mul(i).mul(one.sub(i)).intoArray(gates, gi + j);
            dState.mul(DoubleVector.fromArray(S, cPrev, cp + j)).mul(f).mul(one.sub(f)).intoArray(gates, gf + j);
            dState.mul(i).mul(one.sub(g.mul(g))).intoArray(gates, gg + j);
            d.mul(t).mul(o).mul(one.sub(o)).intoArray(gates, go + j);
            dState.mul(f).intoArray(dcNext, s + j);
        }
        return bound;
    }

    /** GRU forward over one row (see {@code Numerics.gruForward}); returns the first column j not handled. */
    static int gruForwardRow(int h, double[] gates, int gr, double[] hz, int hr, double[] hPrev, int hp, double[] hOut,
                             int ho) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        int bound = S.loopBound(h);
        for (int j = 0; j < bound; j += S.length()) {
            DoubleVector reset = sigmoid(DoubleVector.fromArray(S, gates, gr + j).add(DoubleVector.fromArray(S, hz, hr + j)), one);
            DoubleVector update = sigmoid(DoubleVector.fromArray(S, gates, gr + h + j)
                    .add(DoubleVector.fromArray(S, hz, hr + h + j)), one);
            DoubleVector candidate = DoubleVector.fromArray(S, gates, gr + 2 * h + j)
                    .add(reset.mul(DoubleVector.fromArray(S, hz, hr + 2 * h + j))).lanewise(VectorOperators.TANH);
            reset.intoArray(gates, gr + j);
            update.intoArray(gates, gr + h + j);
            candidate.intoArray(gates, gr + 2 * h + j);
            one.sub(update).mul(candidate).add(update.mul(DoubleVector.fromArray(S, hPrev, hp + j))).intoArray(hOut, ho + j);
        }
        return bound;
    }

    /** GRU backward over one row (see {@code Numerics.gruBackward}); returns the first column j not handled. */
    static int gruBackwardRow(int h, double[] gates, int gr, double[] hz, int hr, double[] hPrev, int hp, double[] dhExt,
                              int dh, double[] dhNext, int s) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        int bound = S.loopBound(h);
        for (int j = 0; j < bound; j += S.length()) {
            DoubleVector reset = DoubleVector.fromArray(S, gates, gr + j);
            DoubleVector update = DoubleVector.fromArray(S, gates, gr + h + j);
            DoubleVector candidate = DoubleVector.fromArray(S, gates, gr + 2 * h + j);
            DoubleVector d = DoubleVector.fromArray(S, dhExt, dh + j).add(DoubleVector.fromArray(S, dhNext, s + j));
            DoubleVector dCandidate = d.mul(one.sub(update)).mul(one.sub(candidate.mul(candidate)));
            DoubleVector dReset = dCandidate.mul(DoubleVector.fromArray(S, hz, hr + 2 * h + j)).mul(reset).mul(one.sub(reset));
            DoubleVector dUpdate = d.mul(DoubleVector.fromArray(S, hPrev, hp + j).sub(candidate)).mul(update)
                    .mul(one.sub(update));
            dReset.intoArray(gates, gr + j);
            dUpdate.intoArray(gates, gr + h + j);
            dCandidate.intoArray(gates, gr + 2 * h + j);
            dReset.intoArray(hz, hr + j);
            dUpdate.intoArray(hz, hr + h + j);
            dCandidate.mul(reset).intoArray(hz, hr + 2 * h + j);
            d.mul(update).intoArray(dhNext, s + j);
        }
        return bound;
    }

    /** h = tanh(z) over n values; returns the first index not handled. */
    static int tanh(int n, double[] z, int zo, double[] out, int oo) {
        int bound = S.loopBound(n);
        for (int j = 0; j < bound; j += S.length()) {
            DoubleVector.fromArray(S, z, zo + j).lanewise(VectorOperators.TANH).intoArray(out, oo + j);
        }
        return bound;
    }

    private static DoubleVector sigmoid(DoubleVector x, DoubleVector one) {
        return one.div(x.neg().lanewise(VectorOperators.EXP).add(one));
    }
}
