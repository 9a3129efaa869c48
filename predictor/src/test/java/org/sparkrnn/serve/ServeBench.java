package org.sparkrnn.serve;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.onnx.OnnxExport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code scripts/bench serve}: serving a model on one thread, the Spark-free {@link Forecaster} (float32 kernel)
 * beside ONNX Runtime (its CPU provider, one intra-op and one inter-op thread) running the model's ONNX export, on the
 * four kernel shapes (one LSTM layer, I inputs, H units, windows of T steps, batches of B), in the same run: the
 * latency of one window (p50 and p99 over at least 2 s of calls, after 2 s of warm-up) and the throughput of a
 * batch of B windows (sequence-steps per second, median of 9 after warm-up). Both start from Java arrays and end
 * with Java arrays of forecasts. Appends its rows to the CSV named by the first argument.
 */
public final class ServeBench {

    private static final int[][] SHAPES = Arrays.stream(System.getProperty("bench.serve.shapes", "0,1,2,3")
            .split(",")).mapToInt(Integer::parseInt).mapToObj(i -> new int[][] {{64, 128, 50, 64},
                {32, 256, 100, 32}, {128, 512, 50, 64}, {8, 64, 200, 128}}[i]).toArray(int[][]::new);

    private ServeBench() {
    }

    /** Something to do with a window's forecast, timed as a whole. */
    private interface Call {
        double run(int windows) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<String> rows = new ArrayList<>();
        System.out.println("serving one model on one thread: the Spark-free Forecaster (float32) and ONNX Runtime "
                + env.getVersion() + " on its ONNX export, same run");
        System.out.printf(Locale.ROOT, "%-18s %-12s %10s %10s %14s %10s%n", "I, H, T, B", "runtime", "p50 ms",
                "p99 ms", "seq-steps/s", "vs ORT");
        for (int[] shape : SHAPES) {
            int inputs = shape[0];
            int steps = shape[2];
            int batch = shape[3];
            NetworkSpec spec = new NetworkSpec(inputs, List.of(LayerSpec.lstm(shape[1])), 1, Loss.MSE);
            double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
            ServedModel model = new ServedModel(spec, params, null, WindowTransform.NONE, null, false);
            SplittableRandom random = new SplittableRandom(7);
            List<double[][]> windows = new ArrayList<>();
            float[][][] x = new float[batch][steps][inputs];
            for (int b = 0; b < batch; b++) {
                double[][] w = new double[steps][inputs];
                for (int t = 0; t < steps; t++) {
                    for (int j = 0; j < inputs; j++) {
                        w[t][j] = random.nextGaussian();
                        x[b][t][j] = (float) w[t][j];
                    }
                }
                windows.add(w);
            }
            Forecaster forecaster = new Forecaster(model, new double[0], Precision.FLOAT32);
            Call ours = n -> forecaster.forecast(windows.subList(0, n)).point(n - 1)[0];

            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(OnnxExport.write(model, new double[0]), options)) {
                Call ort = n -> {
                    float[][][] in = n == batch ? x : Arrays.copyOf(x, n);
                    int[] lengths = new int[n];
                    Arrays.fill(lengths, steps);
                    try (OnnxTensor input = OnnxTensor.createTensor(env, in);
                         OnnxTensor lens = OnnxTensor.createTensor(env, lengths);
                         OrtSession.Result result = session.run(Map.of("input", input, "sequence_lens", lens))) {
                        return ((float[]) result.get(0).getValue())[n - 1];
                    }
                };
                double check = Math.abs(ours.run(batch) - ort.run(batch));
                if (!(check < 1e-4)) {
                    throw new IllegalStateException("the two runtimes disagree by " + check);
                }
                double[] ortLatency = latency(ort);
                double ortRate = (double) batch * steps / median(ort, batch);
                double[] ourLatency = latency(ours);
                double ourRate = (double) batch * steps / median(ours, batch);
                String name = shape[0] + ", " + shape[1] + ", " + shape[2] + ", " + shape[3];
                for (Object[] line : new Object[][] {{"forecaster", ourLatency, ourRate},
                        {"onnxruntime", ortLatency, ortRate}}) {
                    double[] l = (double[]) line[1];
                    double rate = (Double) line[2];
                    System.out.printf(Locale.ROOT, "%-18s %-12s %10.3f %10.3f %14.0f %10.2f%n", name, line[0],
                            l[0], l[1], rate, rate / ortRate);
                    rows.add(String.format(Locale.ROOT, "serve-%s %s,%d,1,0,float32,%.4f,%.4f,%.0f", line[0],
                            name.replace(", ", "x"), params.length, l[0], l[1], rate));
                }
            }
        }
        stepCost();
        if (args.length > 0) {
            Path csv = Path.of(args[0]);
            Files.createDirectories(csv.toAbsolutePath().getParent());
            if (!Files.exists(csv)) {
                Files.writeString(csv, "case,shape,parameters,threads,partitions,precision,p50_ms,p99_ms,"
                        + "seq_steps_per_s\n");
            }
            Files.write(csv, rows, StandardOpenOption.APPEND);
        }
    }

    /**
     * One recurrent step's product with the 4H × H weights for one window (what one-window latency is made of), as
     * the float32 kernel calls it (sgemm, one row) beside the matrix-vector call that gives the same product: µs per
     * call, median of 9 rounds of 200 after warm-up.
     */
    private static void stepCost() {
        dev.ludovic.netlib.blas.BLAS blas = dev.ludovic.netlib.blas.BLAS.getInstance();
        System.out.println("one recurrent step, float32, " + blas.getClass().getSimpleName() + ": us per call;"
                + " one window (sgemm of 1 row, as the kernel calls it, and sgemv), and a batch of B (sgemm)");
        System.out.printf(Locale.ROOT, "%-8s %12s %12s %8s %6s %12s%n", "H", "sgemm 1 row", "sgemv", "ratio", "B",
                "sgemm B rows");
        for (int[] hb : new int[][] {{128, 64}, {256, 32}, {512, 64}, {64, 128}}) {
            int h = hb[0];
            int rows = hb[1];
            int n = 4 * h;
            SplittableRandom random = new SplittableRandom(3);
            float[] w = new float[n * h];
            float[] x = new float[h * rows];
            float[] z = new float[n * rows];
            for (int j = 0; j < w.length; j++) {
                w[j] = (float) random.nextGaussian();
            }
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) random.nextGaussian();
            }
            Runnable gemm = () -> blas.sgemm("T", "N", n, 1, h, 1f, w, 0, h, x, 0, h, 1f, z, 0, n);
            Runnable gemv = () -> blas.sgemv("T", h, n, 1f, w, 0, h, x, 0, 1, 1f, z, 0, 1);
            Runnable batch = () -> blas.sgemm("T", "N", n, rows, h, 1f, w, 0, h, x, 0, h, 1f, z, 0, n);
            double[] us = new double[3];
            int k = 0;
            for (Runnable call : new Runnable[] {gemm, gemv, batch}) {
                for (int r = 0; r < 2000; r++) {
                    call.run();
                }
                double[] rounds = new double[9];
                for (int r = 0; r < rounds.length; r++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < 200; i++) {
                        call.run();
                    }
                    rounds[r] = (System.nanoTime() - start) / 1e3 / 200;
                }
                Arrays.sort(rounds);
                us[k++] = rounds[rounds.length / 2];
            }
            System.out.printf(Locale.ROOT, "%-8d %12.1f %12.1f %8.2f %6d %12.1f%n", h, us[0], us[1], us[0] / us[1],
                    rows, us[2]);
        }
    }

    /** One window at a time: p50 and p99 in ms over at least 2 s (and 200 calls), after 2 s of warm-up. */
    private static double[] latency(Call call) throws Exception {
        long warm = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warm) {
            call.run(1);
        }
        List<Double> times = new ArrayList<>();
        long until = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < until || times.size() < 200) {
            long start = System.nanoTime();
            call.run(1);
            times.add((System.nanoTime() - start) / 1e6);
        }
        double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {sorted[sorted.length / 2], sorted[(int) Math.floor(sorted.length * 0.99)]};
    }

    /** Seconds per call on {@code n} windows, median of 9 after 2 s of warm-up. */
    private static double median(Call call, int n) throws Exception {
        long warm = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warm) {
            call.run(n);
        }
        double[] times = new double[9];
        for (int r = 0; r < times.length; r++) {
            long start = System.nanoTime();
            call.run(n);
            times[r] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(times);
        return times[times.length / 2];
    }
}
