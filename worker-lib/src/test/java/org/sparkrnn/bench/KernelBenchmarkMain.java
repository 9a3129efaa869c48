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
 * Runs {@link KernelBenchmark} and prints sequence-steps per second and GFLOP/s (2·3·G·H·(I+H) per sequence-step,
 * G = 4 gates for LSTM, 3 for GRU: the baseline script's count) per cell, shape and precision; then, in the same run,
 * the two PyTorch anchors on one thread: Debian's 1.13 when {@code /usr/bin/python3} has torch
 * ({@code scripts/torch_lstm_bench.py}) and 2.7.1 through DJL ({@code scripts/torch-anchor kernel 1}), and prints the
 * ratios against each. Appends every
 * number to {@code runs/bench/kernel.csv}. Arguments: optional JVM flags for the forked benchmark JVM. Set
 * {@code KERNEL_BENCH_QUICK=1} for a short smoke run.
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
        String cells = System.getenv("KERNEL_BENCH_CELLS");
        if (cells != null) {
            options.param("cell", cells.split(","));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        System.out.println("BLAS in this JVM: " + BLAS.getInstance().getClass().getSimpleName()
                + " (the forked benchmark JVM chooses its own with the flags " + jvmArgs + ")");
        System.out.printf("%-5s %-16s %-8s %12s %12s %10s%n", "cell", "I,H,T,B", "dtype", "ms/batch", "seq-steps/s",
                "GFLOP/s");
        java.util.Map<String, Double> ours = new java.util.LinkedHashMap<>();
        String stamp = java.time.LocalDateTime.now().withNano(0).toString();
        List<String> csv = new ArrayList<>();
        for (RunResult result : results) {
            String shape = result.getParams().getParam("shape");
            String precision = result.getParams().getParam("precision");
            String cell = result.getParams().getParam("cell");
            int[] s = KernelBenchmark.parseShape(shape);
            double ms = result.getPrimaryResult().getScore();
            double seqSteps = (double) s[2] * s[3];
            double rate = seqSteps / (ms / 1000.0);
            double gflops = 6.0 * (cell.equals("gru") ? 3 : 4) * s[1] * (s[0] + s[1]) * rate / 1e9;
            System.out.printf("%-5s %-16s %-8s %12.3f %12.0f %10.1f%n", cell, shape, precision, ms, rate, gflops);
            ours.put(cell + " " + shape + " " + precision, rate);
            csv.add(String.format(java.util.Locale.ROOT, "%s,sparkrnn-%s,\"%s\",%s,%.0f", stamp, cell, shape,
                    precision, rate));
        }
        java.util.Map<String, Double> torch = torchBaseline();
        java.util.Map<String, Double> torch27 = torchAnchor();
        if (!torch.isEmpty() || !torch27.isEmpty()) {
            System.out.println();
            System.out.printf("%-5s %-16s %-8s %12s %12s %12s %8s %8s%n", "cell", "I,H,T,B", "dtype", "ours",
                    "torch 1.13", "torch 2.7.1", "vs 1.13", "vs 2.7.1");
            for (var e : ours.entrySet()) {
                Double old = torch.get(e.getKey());
                Double recent = torch27.get(e.getKey());
                String[] key = e.getKey().split(" ");
                System.out.printf("%-5s %-16s %-8s %12.0f %12s %12s %8s %8s%n", key[0], key[1], key[2],
                        e.getValue(), old == null ? "-" : String.format("%.0f", old),
                        recent == null ? "-" : String.format("%.0f", recent),
                        old == null ? "-" : String.format("%.2f", e.getValue() / old),
                        recent == null ? "-" : String.format("%.2f", e.getValue() / recent));
                if (old != null) {
                    csv.add(String.format(java.util.Locale.ROOT, "%s,pytorch-%s,\"%s\",%s,%.0f", stamp, key[0],
                            key[1], key[2], old));
                }
                if (recent != null) {
                    csv.add(String.format(java.util.Locale.ROOT, "%s,pytorch2.7.1-%s,\"%s\",%s,%.0f", stamp,
                            key[0], key[1], key[2], recent));
                }
            }
        }
        java.nio.file.Path out = java.nio.file.Path.of("runs/bench/kernel.csv");
        java.nio.file.Files.createDirectories(out.getParent());
        if (!java.nio.file.Files.exists(out)) {
            java.nio.file.Files.writeString(out, "time,implementation,shape,precision,seq_steps_per_s\n");
        }
        java.nio.file.Files.write(out, csv, java.nio.file.StandardOpenOption.APPEND);
        System.out.println("appended to " + out);
    }

    /** PyTorch's one-thread rates by "I,H,T,B precision", or empty when torch is not installed. */
    private static java.util.Map<String, Double> torchBaseline() throws Exception {
        java.util.Map<String, Double> rates = new java.util.LinkedHashMap<>();
        java.nio.file.Path script = java.nio.file.Path.of("scripts/torch_lstm_bench.py");
        if (!java.nio.file.Files.exists(java.nio.file.Path.of("/usr/bin/python3")) || !java.nio.file.Files.exists(script)) {
            return rates;
        }
        Process check = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").start();
        if (check.waitFor() != 0) {
            System.out.println("(no torch for /usr/bin/python3: apt-get install python3-torch for the baseline)");
            return rates;
        }
        System.out.println("running the PyTorch baseline, one thread...");
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", script.toString(), "1");
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process torch = builder.redirectErrorStream(true).start();
        readRates(torch, rates);
        torch.waitFor();
        return rates;
    }

    /**
     * PyTorch 2.7.1's one-thread rates through DJL ({@code scripts/torch-anchor kernel 1}), or empty when it cannot
     * be built or run here (its jars come from Maven Central on first use).
     */
    private static java.util.Map<String, Double> torchAnchor() throws Exception {
        java.util.Map<String, Double> rates = new java.util.LinkedHashMap<>();
        if (System.getenv("KERNEL_BENCH_QUICK") != null) {
            return rates;
        }
        System.out.println("running PyTorch 2.7.1 through DJL, one thread...");
        Process torch = new ProcessBuilder("scripts/torch-anchor", "kernel", "1").redirectErrorStream(true).start();
        readRates(torch, rates);
        if (torch.waitFor() != 0 || rates.isEmpty()) {
            System.out.println("(PyTorch 2.7.1 through DJL not run: see the lines above)");
            rates.clear();
        }
        return rates;
    }

    /** The "LSTM D= .. torch.float32 threads=1: rate" lines of a PyTorch anchor, echoed and read into {@code rates}. */
    private static void readRates(Process torch, java.util.Map<String, Double> rates) throws java.io.IOException {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(
                "(LSTM|GRU)\\s+D=\\s*(\\d+) H=\\s*(\\d+) T=\\s*(\\d+) B=\\s*(\\d+) torch\\.(float\\d+)\\s+threads=1:\\s+(\\d+)");
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(torch.getInputStream()))) {
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                if (text.startsWith("SLF4J")) {
                    continue;
                }
                System.out.println("  " + text);
                var m = line.matcher(text);
                if (m.find()) {
                    rates.put(m.group(1).toLowerCase(java.util.Locale.ROOT) + " " + m.group(2) + "," + m.group(3) + ","
                            + m.group(4) + "," + m.group(5) + " " + m.group(6), Double.parseDouble(m.group(7)));
                }
            }
        }
    }
}
