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

    /**
     * Returns the first column j not handled (the caller finishes [j, h) with scalar code). The gate activations run
     * as array passes ({@link #sigmoidInto}, {@link #tanhInto}), each compiled on its own: five exp's inlined into
     * one method were past what the JIT inlines, and the Vector API's slow generic path ran instead.
     */
    static int lstmForwardRow(int h, double[] gates, int gi, double[] cPrev, int cp, double[] c, int co, double[] tanhC,
                              int tco, double[] hOut, int ho) {
        int bound = S.loopBound(h);
        int gf = gi + h;
        int gg = gf + h;
        int go = gg + h;
        sigmoidInto(bound, gates, gi, gates, gi);
        sigmoidInto(bound, gates, gf, gates, gf);
        tanhInto(bound, gates, gg, gates, gg);
        sigmoidInto(bound, gates, go, gates, go);
        for (int j = 0; j < bound; j += S.length()) {
            DoubleVector i = DoubleVector.fromArray(S, gates, gi + j);
            DoubleVector f = DoubleVector.fromArray(S, gates, gf + j);
            DoubleVector g = DoubleVector.fromArray(S, gates, gg + j);
            f.mul(DoubleVector.fromArray(S, cPrev, cp + j)).add(i.mul(g)).intoArray(c, co + j);
        }
        tanhInto(bound, c, co, tanhC, tco);
        for (int j = 0; j < bound; j += S.length()) {
            DoubleVector.fromArray(S, gates, go + j).mul(DoubleVector.fromArray(S, tanhC, tco + j)).intoArray(hOut, ho + j);
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

    /**
     * GRU forward over one row (see {@code Numerics.gruForward}); returns the first column j not handled. As
     * {@link #lstmForwardRow}, the activations are array passes.
     */
    static int gruForwardRow(int h, double[] gates, int gr, double[] hz, int hr, double[] hPrev, int hp, double[] hOut,
                             int ho) {
        int bound = S.loopBound(h);
        int gz = gr + h;
        int gn = gz + h;
        for (int j = 0; j < bound; j += S.length()) {
            DoubleVector.fromArray(S, gates, gr + j).add(DoubleVector.fromArray(S, hz, hr + j)).intoArray(gates, gr + j);
            DoubleVector.fromArray(S, gates, gz + j).add(DoubleVector.fromArray(S, hz, hr + h + j)).intoArray(gates, gz + j);
        }
        sigmoidInto(bound, gates, gr, gates, gr);
        sigmoidInto(bound, gates, gz, gates, gz);
        for (int j = 0; j < bound; j += S.length()) {
            DoubleVector.fromArray(S, gates, gn + j).add(DoubleVector.fromArray(S, gates, gr + j)
                    .mul(DoubleVector.fromArray(S, hz, hr + 2 * h + j))).intoArray(gates, gn + j);
        }
        tanhInto(bound, gates, gn, gates, gn);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        for (int j = 0; j < bound; j += S.length()) {
            DoubleVector update = DoubleVector.fromArray(S, gates, gz + j);
            one.sub(update).mul(DoubleVector.fromArray(S, gates, gn + j))
                    .add(update.mul(DoubleVector.fromArray(S, hPrev, hp + j))).intoArray(hOut, ho + j);
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
        tanhInto(bound, z, zo, out, oo);
        return bound;
    }

    /**
     * out = 1 / (1 + e^−z) over n values, n a multiple of the vector length (out may be z). The exp of {@link #exp},
     * written out here, twice per pass: this method is too long for the JIT to inline into its callers, so it is always
     * compiled on its own, with every Vector API operation in it made SIMD.
     */
    static void sigmoidInto(int n, double[] z, int zo, double[] out, int oo) {
        int step = S.length();
        int j = 0;
        for (; j + step < n; j += 2 * step) {
            DoubleVector a = DoubleVector.fromArray(S, z, zo + j).neg();
            DoubleVector b = DoubleVector.fromArray(S, z, zo + j + step).neg();
            DoubleVector ac = a.max(LOW).min(HIGH);
            DoubleVector as = ac.mul(LOG2E).add(SHIFTER);
            DoubleVector ak = as.sub(SHIFTER);
            DoubleVector ar = ak.fma(MINUS_LN2_HI, ac).add(ak.mul(-LN2_LO));
            DoubleVector ap = ar.fma(C13, C12).fma(ar, C11).fma(ar, C10).fma(ar, C9);
            ap = ap.fma(ar, C8).fma(ar, C7).fma(ar, C6).fma(ar, C5);
            ap = ap.fma(ar, C4).fma(ar, C3).fma(ar, C2).fma(ar, C1);
            ap = ap.fma(ar, C0);
            DoubleVector ea = ap.mul(as.reinterpretAsLongs().sub(EXPONENT_BIAS)
                    .lanewise(VectorOperators.LSHL, EXPONENT_SHIFT).reinterpretAsDoubles());
            DoubleVector bc = b.max(LOW).min(HIGH);
            DoubleVector bs = bc.mul(LOG2E).add(SHIFTER);
            DoubleVector bk = bs.sub(SHIFTER);
            DoubleVector br = bk.fma(MINUS_LN2_HI, bc).add(bk.mul(-LN2_LO));
            DoubleVector bp = br.fma(C13, C12).fma(br, C11).fma(br, C10).fma(br, C9);
            bp = bp.fma(br, C8).fma(br, C7).fma(br, C6).fma(br, C5);
            bp = bp.fma(br, C4).fma(br, C3).fma(br, C2).fma(br, C1);
            bp = bp.fma(br, C0);
            DoubleVector eb = bp.mul(bs.reinterpretAsLongs().sub(EXPONENT_BIAS)
                    .lanewise(VectorOperators.LSHL, EXPONENT_SHIFT).reinterpretAsDoubles());
            ONE.div(ea.add(ONE)).intoArray(out, oo + j);
            ONE.div(eb.add(ONE)).intoArray(out, oo + j + step);
        }
        if (j < n) {
            DoubleVector a = DoubleVector.fromArray(S, z, zo + j).neg();
            ONE.div(exp(a).add(ONE)).intoArray(out, oo + j);
        }
    }

    /**
     * out = tanh(z) = 1 − 2 / (e^2z + 1) over n values, n a multiple of the vector length (out may be z). The exp of
     * {@link #exp}, written out here, twice per pass: this method is too long for the JIT to inline into its callers,
     * so it is always compiled on its own, with every Vector API operation in it made SIMD.
     */
    static void tanhInto(int n, double[] z, int zo, double[] out, int oo) {
        int step = S.length();
        int j = 0;
        for (; j + step < n; j += 2 * step) {
            DoubleVector az = DoubleVector.fromArray(S, z, zo + j);
            DoubleVector a = az.add(az);
            DoubleVector bz = DoubleVector.fromArray(S, z, zo + j + step);
            DoubleVector b = bz.add(bz);
            DoubleVector ac = a.max(LOW).min(HIGH);
            DoubleVector as = ac.mul(LOG2E).add(SHIFTER);
            DoubleVector ak = as.sub(SHIFTER);
            DoubleVector ar = ak.fma(MINUS_LN2_HI, ac).add(ak.mul(-LN2_LO));
            DoubleVector ap = ar.fma(C13, C12).fma(ar, C11).fma(ar, C10).fma(ar, C9);
            ap = ap.fma(ar, C8).fma(ar, C7).fma(ar, C6).fma(ar, C5);
            ap = ap.fma(ar, C4).fma(ar, C3).fma(ar, C2).fma(ar, C1);
            ap = ap.fma(ar, C0);
            DoubleVector ea = ap.mul(as.reinterpretAsLongs().sub(EXPONENT_BIAS)
                    .lanewise(VectorOperators.LSHL, EXPONENT_SHIFT).reinterpretAsDoubles());
            DoubleVector bc = b.max(LOW).min(HIGH);
            DoubleVector bs = bc.mul(LOG2E).add(SHIFTER);
            DoubleVector bk = bs.sub(SHIFTER);
            DoubleVector br = bk.fma(MINUS_LN2_HI, bc).add(bk.mul(-LN2_LO));
            DoubleVector bp = br.fma(C13, C12).fma(br, C11).fma(br, C10).fma(br, C9);
            bp = bp.fma(br, C8).fma(br, C7).fma(br, C6).fma(br, C5);
            bp = bp.fma(br, C4).fma(br, C3).fma(br, C2).fma(br, C1);
            bp = bp.fma(br, C0);
            DoubleVector eb = bp.mul(bs.reinterpretAsLongs().sub(EXPONENT_BIAS)
                    .lanewise(VectorOperators.LSHL, EXPONENT_SHIFT).reinterpretAsDoubles());
            ONE.sub(TWO.div(ea.add(ONE))).intoArray(out, oo + j);
            ONE.sub(TWO.div(eb.add(ONE))).intoArray(out, oo + j + step);
        }
        if (j < n) {
            DoubleVector az = DoubleVector.fromArray(S, z, zo + j);
            DoubleVector a = az.add(az);
            ONE.sub(TWO.div(exp(a).add(ONE))).intoArray(out, oo + j);
        }
    }

    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double SHIFTER = 0x1.8p52;
    private static final long EXPONENT_BIAS = Double.doubleToRawLongBits(SHIFTER) - 1023;
    private static final int EXPONENT_SHIFT = 52;
    private static final double LOW = -708.0;
    private static final double HIGH = 709.0;
    private static final DoubleVector C0 = DoubleVector.broadcast(S, 1.0); // 1/0!
    private static final DoubleVector C1 = DoubleVector.broadcast(S, 1.0); // 1/1!
    private static final DoubleVector C2 = DoubleVector.broadcast(S, 0.5); // 1/2!
    private static final DoubleVector C3 = DoubleVector.broadcast(S, 0.16666666666666666); // 1/3!
    private static final DoubleVector C4 = DoubleVector.broadcast(S, 0.041666666666666664); // 1/4!
    private static final DoubleVector C5 = DoubleVector.broadcast(S, 0.008333333333333333); // 1/5!
    private static final DoubleVector C6 = DoubleVector.broadcast(S, 0.001388888888888889); // 1/6!
    private static final DoubleVector C7 = DoubleVector.broadcast(S, 0.0001984126984126984); // 1/7!
    private static final DoubleVector C8 = DoubleVector.broadcast(S, 2.48015873015873e-05); // 1/8!
    private static final DoubleVector C9 = DoubleVector.broadcast(S, 2.7557319223985893e-06); // 1/9!
    private static final DoubleVector C10 = DoubleVector.broadcast(S, 2.755731922398589e-07); // 1/10!
    private static final DoubleVector C11 = DoubleVector.broadcast(S, 2.505210838544172e-08); // 1/11!
    private static final DoubleVector C12 = DoubleVector.broadcast(S, 2.08767569878681e-09); // 1/12!
    private static final DoubleVector C13 = DoubleVector.broadcast(S, 1.6059043836821613e-10); // 1/13!
    private static final DoubleVector MINUS_LN2_HI = DoubleVector.broadcast(S, -LN2_HI);
    private static final DoubleVector TWO = DoubleVector.broadcast(S, 2);
    private static final DoubleVector ONE = DoubleVector.broadcast(S, 1);

    /**
     * e^x from the Vector API's basic operations only (add, multiply, fused multiply-add, shifts), whose results
     * IEEE 754 fixes to the bit, so the compiled SIMD code and the Vector API's Java fallback (what runs before the
     * JIT compiles a loop) agree exactly. The JDK's {@code VectorOperators.EXP} and {@code TANH} do not: their
     * intrinsics and their fallbacks differ in the last bits, which made a run's weights depend on when the JIT got
     * to the cell loops. x = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite, k by the 1.5·2^p rounding trick), e^r by its
     * Taylor series to r^13, times 2^k built in the exponent bits; x clamped to [−708, 709] (sigmoid and tanh
     * saturate exactly); NaN stays NaN. Within 2 ulp of e^x. Every method here is a few bytecodes long, so the JIT
     * always inlines them into the loops, where the vectors' classes are known: a helper compiled on its own
     * (a large exp was, "callee is too large") runs the Vector API's slow generic path.
     */
    static DoubleVector exp(DoubleVector x) {
        return expOfClamped(x.max(LOW).min(HIGH));
    }

    private static DoubleVector expOfClamped(DoubleVector x) {
        return expFinish(x, x.mul(LOG2E).add(SHIFTER));
    }

    /** {@code shifted} = x·log2(e) + 1.5·2^p: k = shifted − 1.5·2^p is x·log2(e) rounded, its bits hold k. */
    private static DoubleVector expFinish(DoubleVector x, DoubleVector shifted) {
        return taylor(reduced(x, shifted.sub(SHIFTER))).mul(twoToThe(shifted));
    }

    /** r = x − k·ln2, in two parts (Cody–Waite). */
    private static DoubleVector reduced(DoubleVector x, DoubleVector k) {
        return k.fma(MINUS_LN2_HI, x).add(k.mul(-LN2_LO));
    }

    /** 2^k from k's bits in {@code shifted}, put in the exponent field. */
    private static DoubleVector twoToThe(DoubleVector shifted) {
        return shifted.reinterpretAsLongs().sub(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, EXPONENT_SHIFT)
                .reinterpretAsDoubles();
    }

    /** e^r by Horner's rule over 1/n!, n = 13..0 (written out: no loop-carried vector for the JIT to box). */
    private static DoubleVector taylor(DoubleVector r) {
        return horner3(r, horner2(r, horner1(r, horner0(r, r.fma(C13, C12)))));
    }

    private static DoubleVector horner0(DoubleVector r, DoubleVector p) {
        return p.fma(r, C11).fma(r, C10).fma(r, C9);
    }

    private static DoubleVector horner1(DoubleVector r, DoubleVector p) {
        return p.fma(r, C8).fma(r, C7).fma(r, C6);
    }

    private static DoubleVector horner2(DoubleVector r, DoubleVector p) {
        return p.fma(r, C5).fma(r, C4).fma(r, C3);
    }

    private static DoubleVector horner3(DoubleVector r, DoubleVector p) {
        return p.fma(r, C2).fma(r, C1).fma(r, C0);
    }

    static {
        // Load and initialise every Vector API class exp touches (the integer vectors of its exponent bits among
        // them) before the JIT compiles a caller: a caller compiled while one was not yet initialised kept the Vector
        // API's slow generic path for good (the first float32 training in a JVM ran 3x slower).
        exp(DoubleVector.broadcast(S, 0.5));
    }
}
