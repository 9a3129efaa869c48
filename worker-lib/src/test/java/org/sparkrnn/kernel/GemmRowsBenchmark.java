package org.sparkrnn.kernel;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The two ways {@link Numerics#gemmRows} hands float64 rows that are not whole tiles to BLAS, on one thread: whole
 * tiles in place plus a padded tile of the rest in a second call, or every row copied into one padded call. Shapes
 * "m,n,k": m rows (a batch's sequences at one step), n = gates × hidden, k = hidden, C added to (the recurrent
 * product). What the cost rule of {@code Numerics.wholeCallIsCheaper} was drawn from ({@code scripts/bench
 * gemm-rows}; docs/PERFORMANCE.md section 12).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GemmRowsBenchmark {

    @Param({"64,512,128", "64,384,128", "32,1024,256", "32,768,256", "64,2048,512", "128,256,64"})
    public String shape;

    @Param({"in-place", "one-call"})
    public String way;

    private int m;
    private int n;
    private int k;
    private double[] a;
    private double[] b;
    private double[] c;

    @Setup
    public void setUp() {
        String[] s = shape.split(",");
        m = Integer.parseInt(s[0]);
        n = Integer.parseInt(s[1]);
        k = Integer.parseInt(s[2]);
        Random random = new Random(1);
        a = new double[m * k];
        b = new double[n * k];
        c = new double[m * n];
        for (double[] x : new double[][] {a, b, c}) {
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextGaussian() * 1e-3;
            }
        }
    }

    @Benchmark
    public double[] gemmRows() {
        if (way.equals("in-place")) {
            DoubleNumerics.INSTANCE.gemmRowsInPlace(m, n, k, a, 0, b, 0, 1.0, c, 0);
        } else {
            DoubleNumerics.INSTANCE.gemmRowsInOneCall(m, n, k, a, 0, b, 0, 1.0, c, 0);
        }
        return c;
    }
}
