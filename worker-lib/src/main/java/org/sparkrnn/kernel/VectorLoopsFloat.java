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

    /**
     * Returns the first column j not handled (the caller finishes [j, h) with scalar code). The gate activations run
     * as array passes ({@link #sigmoidInto}, {@link #tanhInto}), each compiled on its own: five exp's inlined into
     * one method were past what the JIT inlines, and the Vector API's slow generic path ran instead.
     */
    static int lstmForwardRow(int h, float[] gates, int gi, float[] cPrev, int cp, float[] c, int co, float[] tanhC,
                              int tco, float[] hOut, int ho) {
        int bound = S.loopBound(h);
        int gf = gi + h;
        int gg = gf + h;
        int go = gg + h;
        sigmoidInto(bound, gates, gi, gates, gi);
        sigmoidInto(bound, gates, gf, gates, gf);
        tanhInto(bound, gates, gg, gates, gg);
        sigmoidInto(bound, gates, go, gates, go);
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector i = FloatVector.fromArray(S, gates, gi + j);
            FloatVector f = FloatVector.fromArray(S, gates, gf + j);
            FloatVector g = FloatVector.fromArray(S, gates, gg + j);
            f.mul(FloatVector.fromArray(S, cPrev, cp + j)).add(i.mul(g)).intoArray(c, co + j);
        }
        tanhInto(bound, c, co, tanhC, tco);
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector.fromArray(S, gates, go + j).mul(FloatVector.fromArray(S, tanhC, tco + j)).intoArray(hOut, ho + j);
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

    /**
     * GRU forward over one row (see {@code Numerics.gruForward}); returns the first column j not handled. As
     * {@link #lstmForwardRow}, the activations are array passes.
     */
    static int gruForwardRow(int h, float[] gates, int gr, float[] hz, int hr, float[] hPrev, int hp, float[] hOut,
                             int ho) {
        int bound = S.loopBound(h);
        int gz = gr + h;
        int gn = gz + h;
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector.fromArray(S, gates, gr + j).add(FloatVector.fromArray(S, hz, hr + j)).intoArray(gates, gr + j);
            FloatVector.fromArray(S, gates, gz + j).add(FloatVector.fromArray(S, hz, hr + h + j)).intoArray(gates, gz + j);
        }
        sigmoidInto(bound, gates, gr, gates, gr);
        sigmoidInto(bound, gates, gz, gates, gz);
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector.fromArray(S, gates, gn + j).add(FloatVector.fromArray(S, gates, gr + j)
                    .mul(FloatVector.fromArray(S, hz, hr + 2 * h + j))).intoArray(gates, gn + j);
        }
        tanhInto(bound, gates, gn, gates, gn);
        FloatVector one = FloatVector.broadcast(S, 1);
        for (int j = 0; j < bound; j += S.length()) {
            FloatVector update = FloatVector.fromArray(S, gates, gz + j);
            one.sub(update).mul(FloatVector.fromArray(S, gates, gn + j))
                    .add(update.mul(FloatVector.fromArray(S, hPrev, hp + j))).intoArray(hOut, ho + j);
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
        tanhInto(bound, z, zo, out, oo);
        return bound;
    }

    /**
     * out = 1 / (1 + e^−z) over n values, n a multiple of the vector length (out may be z). The exp of {@link #exp},
     * written out here, twice per pass: this method is too long for the JIT to inline into its callers, so it is always
     * compiled on its own, with every Vector API operation in it made SIMD.
     */
    static void sigmoidInto(int n, float[] z, int zo, float[] out, int oo) {
        int step = S.length();
        int j = 0;
        for (; j + step < n; j += 2 * step) {
            FloatVector a = FloatVector.fromArray(S, z, zo + j).neg();
            FloatVector b = FloatVector.fromArray(S, z, zo + j + step).neg();
            FloatVector ac = a.max(LOW).min(HIGH);
            FloatVector as = ac.mul(LOG2E).add(SHIFTER);
            FloatVector ak = as.sub(SHIFTER);
            FloatVector ar = ak.fma(MINUS_LN2_HI, ac).add(ak.mul(-LN2_LO));
            FloatVector ap = ar.fma(C7, C6).fma(ar, C5).fma(ar, C4).fma(ar, C3);
            ap = ap.fma(ar, C2).fma(ar, C1).fma(ar, C0);
            FloatVector ea = ap.mul(as.reinterpretAsInts().sub(EXPONENT_BIAS)
                    .lanewise(VectorOperators.LSHL, EXPONENT_SHIFT).reinterpretAsFloats());
            FloatVector bc = b.max(LOW).min(HIGH);
            FloatVector bs = bc.mul(LOG2E).add(SHIFTER);
            FloatVector bk = bs.sub(SHIFTER);
            FloatVector br = bk.fma(MINUS_LN2_HI, bc).add(bk.mul(-LN2_LO));
            FloatVector bp = br.fma(C7, C6).fma(br, C5).fma(br, C4).fma(br, C3);
            bp = bp.fma(br, C2).fma(br, C1).fma(br, C0);
            FloatVector eb = bp.mul(bs.reinterpretAsInts().sub(EXPONENT_BIAS)
                    .lanewise(VectorOperators.LSHL, EXPONENT_SHIFT).reinterpretAsFloats());
            ONE.div(ea.add(ONE)).intoArray(out, oo + j);
            ONE.div(eb.add(ONE)).intoArray(out, oo + j + step);
        }
        if (j < n) {
            FloatVector a = FloatVector.fromArray(S, z, zo + j).neg();
            ONE.div(exp(a).add(ONE)).intoArray(out, oo + j);
        }
    }

    /**
     * out = tanh(z) = 1 − 2 / (e^2z + 1) over n values, n a multiple of the vector length (out may be z). The exp of
     * {@link #exp}, written out here, twice per pass: this method is too long for the JIT to inline into its callers,
     * so it is always compiled on its own, with every Vector API operation in it made SIMD.
     */
    static void tanhInto(int n, float[] z, int zo, float[] out, int oo) {
        int step = S.length();
        int j = 0;
        for (; j + step < n; j += 2 * step) {
            FloatVector az = FloatVector.fromArray(S, z, zo + j);
            FloatVector a = az.add(az);
            FloatVector bz = FloatVector.fromArray(S, z, zo + j + step);
            FloatVector b = bz.add(bz);
            FloatVector ac = a.max(LOW).min(HIGH);
            FloatVector as = ac.mul(LOG2E).add(SHIFTER);
            FloatVector ak = as.sub(SHIFTER);
            FloatVector ar = ak.fma(MINUS_LN2_HI, ac).add(ak.mul(-LN2_LO));
            FloatVector ap = ar.fma(C7, C6).fma(ar, C5).fma(ar, C4).fma(ar, C3);
            ap = ap.fma(ar, C2).fma(ar, C1).fma(ar, C0);
            FloatVector ea = ap.mul(as.reinterpretAsInts().sub(EXPONENT_BIAS)
                    .lanewise(VectorOperators.LSHL, EXPONENT_SHIFT).reinterpretAsFloats());
            FloatVector bc = b.max(LOW).min(HIGH);
            FloatVector bs = bc.mul(LOG2E).add(SHIFTER);
            FloatVector bk = bs.sub(SHIFTER);
            FloatVector br = bk.fma(MINUS_LN2_HI, bc).add(bk.mul(-LN2_LO));
            FloatVector bp = br.fma(C7, C6).fma(br, C5).fma(br, C4).fma(br, C3);
            bp = bp.fma(br, C2).fma(br, C1).fma(br, C0);
            FloatVector eb = bp.mul(bs.reinterpretAsInts().sub(EXPONENT_BIAS)
                    .lanewise(VectorOperators.LSHL, EXPONENT_SHIFT).reinterpretAsFloats());
            ONE.sub(TWO.div(ea.add(ONE))).intoArray(out, oo + j);
            ONE.sub(TWO.div(eb.add(ONE))).intoArray(out, oo + j + step);
        }
        if (j < n) {
            FloatVector az = FloatVector.fromArray(S, z, zo + j);
            FloatVector a = az.add(az);
            ONE.sub(TWO.div(exp(a).add(ONE))).intoArray(out, oo + j);
        }
    }

    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145752f;  // ln 2 with its last 11 bits zero (k·LN2_HI exact)
    private static final float LN2_LO = 1.42860677e-06f;
    private static final float SHIFTER = 0x1.8p23f;
    private static final int EXPONENT_BIAS = Float.floatToRawIntBits(SHIFTER) - 127;
    private static final int EXPONENT_SHIFT = 23;
    private static final float LOW = -87f;
    private static final float HIGH = 88f;
    private static final FloatVector C0 = FloatVector.broadcast(S, 1.0f); // 1/0!
    private static final FloatVector C1 = FloatVector.broadcast(S, 1.0f); // 1/1!
    private static final FloatVector C2 = FloatVector.broadcast(S, 0.5f); // 1/2!
    private static final FloatVector C3 = FloatVector.broadcast(S, 0.16666666666666666f); // 1/3!
    private static final FloatVector C4 = FloatVector.broadcast(S, 0.041666666666666664f); // 1/4!
    private static final FloatVector C5 = FloatVector.broadcast(S, 0.008333333333333333f); // 1/5!
    private static final FloatVector C6 = FloatVector.broadcast(S, 0.001388888888888889f); // 1/6!
    private static final FloatVector C7 = FloatVector.broadcast(S, 0.0001984126984126984f); // 1/7!
    private static final FloatVector MINUS_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector TWO = FloatVector.broadcast(S, 2);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1);

    /**
     * e^x from the Vector API's basic operations only (add, multiply, fused multiply-add, shifts), whose results
     * IEEE 754 fixes to the bit, so the compiled SIMD code and the Vector API's Java fallback (what runs before the
     * JIT compiles a loop) agree exactly. The JDK's {@code VectorOperators.EXP} and {@code TANH} do not: their
     * intrinsics and their fallbacks differ in the last bits, which made a run's weights depend on when the JIT got
     * to the cell loops. x = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite, k by the 1.5·2^p rounding trick), e^r by its
     * Taylor series to r^7, times 2^k built in the exponent bits; x clamped to [−87, 88] (sigmoid and tanh
     * saturate exactly); NaN stays NaN. Within 2 ulp of e^x. Every method here is a few bytecodes long, so the JIT
     * always inlines them into the loops, where the vectors' classes are known: a helper compiled on its own
     * (a large exp was, "callee is too large") runs the Vector API's slow generic path.
     */
    static FloatVector exp(FloatVector x) {
        return expOfClamped(x.max(LOW).min(HIGH));
    }

    private static FloatVector expOfClamped(FloatVector x) {
        return expFinish(x, x.mul(LOG2E).add(SHIFTER));
    }

    /** {@code shifted} = x·log2(e) + 1.5·2^p: k = shifted − 1.5·2^p is x·log2(e) rounded, its bits hold k. */
    private static FloatVector expFinish(FloatVector x, FloatVector shifted) {
        return taylor(reduced(x, shifted.sub(SHIFTER))).mul(twoToThe(shifted));
    }

    /** r = x − k·ln2, in two parts (Cody–Waite). */
    private static FloatVector reduced(FloatVector x, FloatVector k) {
        return k.fma(MINUS_LN2_HI, x).add(k.mul(-LN2_LO));
    }

    /** 2^k from k's bits in {@code shifted}, put in the exponent field. */
    private static FloatVector twoToThe(FloatVector shifted) {
        return shifted.reinterpretAsInts().sub(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, EXPONENT_SHIFT)
                .reinterpretAsFloats();
    }

    /** e^r by Horner's rule over 1/n!, n = 7..0 (written out: no loop-carried vector for the JIT to box). */
    private static FloatVector taylor(FloatVector r) {
        return horner1(r, horner0(r, r.fma(C7, C6)));
    }

    private static FloatVector horner0(FloatVector r, FloatVector p) {
        return p.fma(r, C5).fma(r, C4).fma(r, C3);
    }

    private static FloatVector horner1(FloatVector r, FloatVector p) {
        return p.fma(r, C2).fma(r, C1).fma(r, C0);
    }

    static {
        // Load and initialise every Vector API class exp touches (the integer vectors of its exponent bits among
        // them) before the JIT compiles a caller: a caller compiled while one was not yet initialised kept the Vector
        // API's slow generic path for good (the first float32 training in a JVM ran 3x slower).
        exp(FloatVector.broadcast(S, 0.5f));
    }
}
