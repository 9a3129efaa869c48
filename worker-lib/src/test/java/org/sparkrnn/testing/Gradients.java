package org.sparkrnn.testing;

import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.model.ParameterLayout;

import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Gradient-check and comparison helpers for the numerical contract tests. */
public final class Gradients {

    /** Central-difference step: truncation error ~h², rounding ~1e-16·|L|/h; both ≲ 1e-10 here. */
    public static final double STEP = 1e-5;
    /** Relative error allowed between analytic and numerical gradients. */
    public static final double MAX_RELATIVE_ERROR = 1e-6;
    /** Below this absolute difference a gradient entry passes whatever its relative error (entries near zero). */
    public static final double ABSOLUTE_FLOOR = 1e-9;

    private Gradients() {
    }

    public static GradientAccumulator accumulate(NetworkKernel kernel, double[] params, SequenceBatch batch) {
        GradientAccumulator acc = new GradientAccumulator();
        kernel.accumulate(params, batch, acc);
        return acc;
    }

    /** d(loss sum)/dθ by central differences, for every parameter. */
    public static double[] numerical(double[] params, ToDoubleFunction<double[]> lossSum) {
        double[] theta = params.clone();
        double[] grad = new double[params.length];
        for (int j = 0; j < params.length; j++) {
            double keep = theta[j];
            theta[j] = keep + STEP;
            double plus = lossSum.applyAsDouble(theta);
            theta[j] = keep - STEP;
            double minus = lossSum.applyAsDouble(theta);
            theta[j] = keep;
            grad[j] = (plus - minus) / (2 * STEP);
        }
        return grad;
    }

    /** Checks the kernel's gradient sum against central differences of its own loss sum, over every parameter. */
    public static void check(NetworkKernel kernel, double[] params, SequenceBatch batch) {
        double[] analytic = accumulate(kernel, params, batch).gradient();
        double[] numeric = numerical(params, theta -> accumulate(kernel, theta, batch).lossSum());
        assertClose(kernel.layout(), analytic, numeric);
    }

    /** Every entry within {@link #MAX_RELATIVE_ERROR} relative (or {@link #ABSOLUTE_FLOOR} absolute). */
    public static void assertClose(ParameterLayout layout, double[] analytic, double[] numeric) {
        assertEquals(numeric.length, analytic.length);
        int significant = 0;
        int structuralZeros = 0;
        for (int j = 0; j < analytic.length; j++) {
            double a = analytic[j];
            double n = numeric[j];
            double diff = Math.abs(a - n);
            double scale = Math.max(Math.abs(a), Math.abs(n));
            if (scale > 1e-4) {
                significant++;
            } else if (a == 0 && n == 0) {
                structuralZeros++; // e.g. weight_hh when T = 1 and the state starts at 0
            }
            if (diff > ABSOLUTE_FLOOR && diff > MAX_RELATIVE_ERROR * scale) {
                fail(layout.describeIndex(j) + ": analytic " + a + ", numerical " + n + ", relative error "
                        + diff / scale);
            }
        }
        // A check over gradients that are all ~0 proves nothing.
        int live = analytic.length - structuralZeros;
        assertTrue(significant >= live / 2,
                "only " + significant + " of " + live + " not exactly zero gradient entries are non-negligible");
    }

    /** ‖a − b‖ / ‖b‖. */
    public static double relativeError(double[] a, double[] b) {
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < a.length; j++) {
            diff += (a[j] - b[j]) * (a[j] - b[j]);
            norm += b[j] * b[j];
        }
        return Math.sqrt(diff / norm);
    }

    /** Every entry equal to rounding: |a − b| ≤ tol·max(1, |b|). */
    public static void assertAllClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int j = 0; j < expected.length; j++) {
            double allowed = tol * Math.max(1.0, Math.abs(expected[j]));
            if (Math.abs(expected[j] - actual[j]) > allowed) {
                fail(what + "[" + j + "]: expected " + expected[j] + ", got " + actual[j]);
            }
        }
    }
}
