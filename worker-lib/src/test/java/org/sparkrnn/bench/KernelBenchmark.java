package org.sparkrnn.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.testing.RandomBatches;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Forward + BPTT of one batch on one thread, the workload of ../shared/bench/torch_lstm_bench.py: one LSTM (or GRU)
 * layer (I, H), B sequences of T steps, a linear head with one output on the last step, MSE. One operation = one batch,
 * i.e. B·T sequence-steps; {@link KernelBenchmarkMain} turns the time into sequence-steps per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KernelBenchmark {

    /** I,H,T,B as in the PyTorch baseline. */
    @Param({"64,128,50,64", "32,256,100,32", "128,512,50,64", "8,64,200,128"})
    public String shape;

    @Param({"float32", "float64"})
    public String precision;

    @Param({"lstm", "gru"})
    public String cell;

    private NetworkKernel kernel;
    private double[] params;
    private SequenceBatch batch;
    private GradientAccumulator sums;

    @Setup
    public void setUp() {
        int[] s = parseShape(shape);
        NetworkSpec spec = new NetworkSpec(s[0], List.of(cell.equals("gru") ? LayerSpec.gru(s[1])
                : LayerSpec.lstm(s[1])), 1, Loss.MSE);
        kernel = NetworkKernel.create(spec, Precision.fromCliName(precision));
        params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        int[] lengths = new int[s[3]];
        java.util.Arrays.fill(lengths, s[2]);
        batch = RandomBatches.of(spec, lengths, LabelShape.PER_SEQUENCE, 0, 1);
        sums = new GradientAccumulator();
        kernel.accumulate(params, batch, sums); // size the workspace outside the measurement
    }

    @Benchmark
    public GradientAccumulator forwardAndBptt() {
        kernel.accumulate(params, batch, sums);
        return sums;
    }

    static int[] parseShape(String shape) {
        String[] parts = shape.split(",");
        int[] s = new int[parts.length];
        for (int j = 0; j < parts.length; j++) {
            s[j] = Integer.parseInt(parts[j].trim());
        }
        return s;
    }
}
