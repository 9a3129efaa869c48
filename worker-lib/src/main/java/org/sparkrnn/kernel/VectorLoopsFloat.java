package org.sparkrnn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The LSTM and GRU pointwise loops of {@link FloatNumerics} as SIMD code over the hidden dimension, same equations, same
 * argument contract. Only loaded when {@link VectorSupport#AVAILABLE}; the scalar loops are the reference it is
 * tested against. Lanes past the last full vector run the scalar code.
 */
final class VectorLoopsFloat {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorLoopsFloat() {
    }

    /** Returns the first column j not handled (the caller finishes [j, h) with scalar code). */
    static int lstmForwardRow(int h, float[] gates, int gi, float[] cPrev, int cp, float[] c, int co, float[] tanhC,
                              int tco, float[] hOut, int ho) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int bound = S.loopBound(h);
        int gf = gi + h;
        int gg = gf + h;
        int go = gg + h;
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector i = sigmoid(FloatVector.fromArray(S, gates, gi + j), one);
            FloatVector f = sigmoid(FloatVector.fromArray(S, gates, gf + j), one);
            FloatVector g = FloatVector.fromArray(S, gates, gg + j).lanewise(VectorOperators.TANH);
            FloatVector o = sigmoid(FloatVector.fromArray(S, gates, go + j), one);
            i.intoArray(gates, gi + j);
            f.intoArray(gates, gf + j);
            g.intoArray(gates, gg + j);
            o.intoArray(gates, go + j);
            FloatVector state = f.mul(FloatVector.fromArray(S, cPrev, cp + j)).add(i.mul(g));
            FloatVector tanhState = state.lanewise(VectorOperators.TANH);
            state.intoArray(c, co + j);
            tanhState.intoArray(tanhC, tco + j);
            o.mul(tanhState).intoArray(hOut, ho + j);
        }
        return bound;
    }

    static int lstmBackwardRow(int h, float[] gates, int gi, float[] tanhC, int tc, float[] cPrev, int cp,
                               float[] dhExt, int dh, float[] dhNext, float[] dcNext, int s) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int bound = S.loopBound(h);
        int gf = gi + h;
        int gg = gf + h;
        int go = gg + h;
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector i = FloatVector.fromArray(S, gates, gi + j);
            FloatVector f = FloatVector.fromArray(S, gates, gf + j);
            FloatVector g = FloatVector.fromArray(S, gates, gg + j);
            FloatVector o = FloatVector.fromArray(S, gates, go + j);
            FloatVector t = FloatVector.fromArray(S, tanhC, tc + j);
            FloatVector d = FloatVector.fromArray(S, dhExt, dh + j).add(FloatVector.fromArray(S, dhNext, s + j));
            FloatVector dState = d.mul(o).mul(one.sub(t.mul(t))).add(FloatVector.fromArray(S, dcNext, s + j));
            dState.mul(g).mul(i).mul(one.sub(i)).intoArray(gates, gi + j);
            dState.mul(FloatVector.fromArray(S, cPrev, cp + j)).mul(f).mul(one.sub(f)).intoArray(gates, gf + j);
            dState.mul(i).mul(one.sub(g.mul(g))).intoArray(gates, gg + j);
            d.mul(t).mul(o).mul(one.sub(o)).intoArray(gates, go + j);
            dState.mul(f).intoArray(dcNext, s + j);
        }
        return bound;
    }

    /** GRU forward over one row (see {@code Numerics.gruForward}); returns the first column j not handled. */
    static int gruForwardRow(int h, float[] gates, int gr, float[] hz, int hr, float[] hPrev, int hp, float[] hOut,
                             int ho) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int bound = S.loopBound(h);
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector reset = sigmoid(FloatVector.fromArray(S, gates, gr + j).add(FloatVector.fromArray(S, hz, hr + j)), one);
            FloatVector update = sigmoid(FloatVector.fromArray(S, gates, gr + h + j)
                    .add(FloatVector.fromArray(S, hz, hr + h + j)), one);
            FloatVector candidate = FloatVector.fromArray(S, gates, gr + 2 * h + j)
                    .add(reset.mul(FloatVector.fromArray(S, hz, hr + 2 * h + j))).lanewise(VectorOperators.TANH);
            reset.intoArray(gates, gr + j);
            update.intoArray(gates, gr + h + j);
            candidate.intoArray(gates, gr + 2 * h + j);
            one.sub(update).mul(candidate).add(update.mul(FloatVector.fromArray(S, hPrev, hp + j))).intoArray(hOut, ho + j);
        }
        return bound;
    }

    /** GRU backward over one row (see {@code Numerics.gruBackward}); returns the first column j not handled. */
    static int gruBackwardRow(int h, float[] gates, int gr, float[] hz, int hr, float[] hPrev, int hp, float[] dhExt,
                              int dh, float[] dhNext, int s) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int bound = S.loopBound(h);
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector reset = FloatVector.fromArray(S, gates, gr + j);
            FloatVector update = FloatVector.fromArray(S, gates, gr + h + j);
            FloatVector candidate = FloatVector.fromArray(S, gates, gr + 2 * h + j);
            FloatVector d = FloatVector.fromArray(S, dhExt, dh + j).add(FloatVector.fromArray(S, dhNext, s + j));
            FloatVector dCandidate = d.mul(one.sub(update)).mul(one.sub(candidate.mul(candidate)));
            FloatVector dReset = dCandidate.mul(FloatVector.fromArray(S, hz, hr + 2 * h + j)).mul(reset).mul(one.sub(reset));
            FloatVector dUpdate = d.mul(FloatVector.fromArray(S, hPrev, hp + j).sub(candidate)).mul(update)
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
    static int tanh(int n, float[] z, int zo, float[] out, int oo) {
        int bound = S.loopBound(n);
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector.fromArray(S, z, zo + j).lanewise(VectorOperators.TANH).intoArray(out, oo + j);
        }
        return bound;
    }

    private static FloatVector sigmoid(FloatVector x, FloatVector one) {
        return one.div(x.neg().lanewise(VectorOperators.EXP).add(one));
    }
}
