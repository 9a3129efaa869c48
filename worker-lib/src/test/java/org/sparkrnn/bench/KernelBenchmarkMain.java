package org.sparkrnn.bench;

import dev.ludovic.netlib.blas.BLAS;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Runs {@link KernelBenchmark} and prints sequence-steps per second and GFLOP/s (24·H·(I+H) per sequence-step, the
 * baseline script's count) per shape and precision. Arguments: optional JVM flags for the forked benchmark JVM.
 * Set {@code KERNEL_BENCH_QUICK=1} for a short smoke run.
 */
public final class KernelBenchmarkMain {

    public static void main(String[] args) throws Exception {
        boolean quick = System.getenv("KERNEL_BENCH_QUICK") != null;
        List<String> jvmArgs = new ArrayList<>(List.of(args));
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(KernelBenchmark.class.getSimpleName())
                .forks(1)
                .threads(1)
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 2 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 3))
                .jvmArgsAppend(jvmArgs.toArray(new String[0]));
        String only = System.getenv("KERNEL_BENCH_SHAPES");
        if (only != null) {
            options.param("shape", only.split(";"));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        System.out.println("BLAS in this JVM: " + BLAS.getInstance().getClass().getSimpleName()
                + " (the forked benchmark JVM chooses its own with the flags " + jvmArgs + ")");
        System.out.printf("%-16s %-8s %12s %12s %10s%n", "I,H,T,B", "dtype", "ms/batch", "seq-steps/s", "GFLOP/s");
        for (RunResult result : results) {
            String shape = result.getParams().getParam("shape");
            String precision = result.getParams().getParam("precision");
            int[] s = KernelBenchmark.parseShape(shape);
            double ms = result.getPrimaryResult().getScore();
            double seqSteps = (double) s[2] * s[3];
            double rate = seqSteps / (ms / 1000.0);
            double gflops = 24.0 * s[1] * (s[0] + s[1]) * rate / 1e9;
            System.out.printf("%-16s %-8s %12.3f %12.0f %10.1f%n", shape, precision, ms, rate, gflops);
        }
    }
}
