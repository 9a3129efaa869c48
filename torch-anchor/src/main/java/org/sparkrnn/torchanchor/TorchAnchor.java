package org.sparkrnn.torchanchor;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.GRU;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.nn.recurrent.RecurrentBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import java.util.Arrays;
import java.util.Locale;

/**
 * PyTorch 2.7.1's recurrent layers (libtorch CPU, the fused {@code torch.lstm}/{@code torch.gru} kernels behind
 * {@code nn.LSTM}/{@code nn.GRU}) timed from a JVM through DJL, on the shapes and with the same model around them as
 * the Python anchors, printing their line formats so the benchmarks read either:
 * <ul>
 *   <li>{@code kernel [threads]}: forward + BPTT of a recurrent layer with a linear head on the last step and the
 *       mean squared error, LSTM and GRU, float32 and float64 (as {@code scripts/torch_lstm_bench.py});</li>
 *   <li>{@code infer [threads]}: the forward pass and head under no gradient (as {@code scripts/torch_lstm_infer.py});
 *   </li>
 *   <li>{@code train [threads...]}: the end-to-end iteration (I = 32, H = 128, T = 50, N = 2,000, float32, full batch:
 *       forward, BPTT, Adam), one line per thread count.</li>
 * </ul>
 * Rates are sequence-steps per second (B·T / seconds), the median of 7 (9 for inference) after 3 warm-up runs.
 */
public final class TorchAnchor {

    private static final int[][] SHAPES = {{64, 128, 50, 64}, {32, 256, 100, 32}, {128, 512, 50, 64},
        {8, 64, 200, 128}};

    private TorchAnchor() {
    }

    public static void main(String[] args) {
        String mode = args.length == 0 ? "kernel" : args[0];
        int[] threads = args.length < 2 ? new int[] {1}
                : Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray();
        System.out.println("torch " + Engine.getInstance().getVersion() + " (DJL "
                + Engine.getDjlVersion() + ", libtorch CPU)");
        try (NDManager manager = NDManager.newBaseManager()) {
            switch (mode) {
                case "kernel" -> {
                    for (String cell : new String[] {"LSTM", "GRU"}) {
                        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                            for (int[] s : SHAPES) {
                                JniUtils.setNumThreads(threads[0]);
                                double rate = rate(manager, cell, s, type, true, false, 7);
                                System.out.printf(Locale.ROOT,
                                        "%-4s D=%3d H=%3d T=%3d B=%3d torch.%-8s threads=%d: %10.0f seq-steps/s%n",
                                        cell, s[0], s[1], s[2], s[3], name(type), threads[0], rate);
                            }
                        }
                    }
                }
                case "infer" -> {
                    JniUtils.setNumThreads(threads[0]);
                    for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                        for (int[] s : SHAPES) {
                            double rate = rate(manager, "LSTM", s, type, false, false, 9);
                            System.out.printf(Locale.ROOT, "INFER %d %d %d %d %s %.0f%n", s[0], s[1], s[2], s[3],
                                    name(type), rate);
                        }
                    }
                }
                case "train" -> {
                    int[] s = {32, 128, 50, 2000};
                    for (int t : threads) {
                        JniUtils.setNumThreads(t);
                        double rate = rate(manager, "LSTM", s, DataType.FLOAT32, true, true, 7);
                        System.out.printf(Locale.ROOT, "TRAIN %d %d %d %d float32 threads=%d %.0f%n", s[0], s[1],
                                s[2], s[3], t, rate);
                    }
                }
                default -> throw new IllegalArgumentException("mode: kernel, infer or train, got " + mode);
            }
        }
    }

    /**
     * Sequence-steps per second of one cell layer of {@code shape} (I, H, T, B) with a linear head on the last
     * step: forward only (no gradient), forward + BPTT ({@code backward}), and an Adam step after it ({@code adam}).
     */
    private static double rate(NDManager base, String cell, int[] shape, DataType type, boolean backward,
                               boolean adam, int runs) {
        int in = shape[0];
        int hidden = shape[1];
        int steps = shape[2];
        int batch = shape[3];
        try (NDManager manager = base.newSubManager()) {
            manager.getEngine().setRandomSeed(0);
            RecurrentBlock recurrent = cell.equals("LSTM")
                    ? LSTM.builder().setStateSize(hidden).setNumLayers(1).optBatchFirst(false).build()
                    : GRU.builder().setStateSize(hidden).setNumLayers(1).optBatchFirst(false).build();
            Linear head = Linear.builder().setUnits(1).build();
            SequentialBlock model = new SequentialBlock().add(recurrent);
            model.initialize(manager, type, new Shape(steps, batch, in));
            head.initialize(manager, type, new Shape(batch, hidden));
            NDArray x = manager.randomNormal(new Shape(steps, batch, in)).toType(type, false);
            NDArray y = manager.randomNormal(new Shape(batch, 1)).toType(type, false);
            // the initial state in the model's precision (DJL makes float32 zeros when none is given)
            NDArray h0 = manager.zeros(new Shape(1, batch, hidden), type);
            NDList inputs = cell.equals("LSTM") ? new NDList(x, h0, manager.zeros(new Shape(1, batch, hidden), type))
                    : new NDList(x, h0);
            Optimizer optimizer = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            ParameterStore store = new ParameterStore(manager, false);
            double[] seconds = new double[runs];
            for (int r = -3; r < runs; r++) {
                long start = System.nanoTime();
                try (NDManager step = manager.newSubManager()) {
                    inputs.tempAttach(step);
                    y.tempAttach(step);
                    if (!backward) {
                        NDArray out = model.forward(store, inputs, false).head();
                        head.forward(store, new NDList(out.get(steps - 1)), false).head().toArray();
                    } else {
                        try (GradientCollector gradients = Engine.getInstance().newGradientCollector()) {
                            NDArray out = model.forward(store, inputs, true).head();
                            NDArray prediction = head.forward(store, new NDList(out.get(steps - 1)), true).head();
                            gradients.backward(prediction.sub(y).square().mean());
                        }
                        if (r == -3 && gradientIsZero(model)) {
                            throw new IllegalStateException("no gradient reached the recurrent layer's weights");
                        }
                        if (adam) {
                            update(optimizer, model.getParameters());
                            update(optimizer, head.getParameters());
                        }
                    }
                }
                if (r >= 0) {
                    seconds[r] = (System.nanoTime() - start) / 1e9;
                }
            }
            Arrays.sort(seconds);
            return (double) batch * steps / seconds[runs / 2];
        }
    }

    private static boolean gradientIsZero(SequentialBlock model) {
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (p.getValue().getArray().getGradient().abs().sum().toType(DataType.FLOAT64, false).getDouble() == 0) {
                return true;
            }
        }
        return false;
    }

    private static void update(Optimizer optimizer, Iterable<Pair<String, Parameter>> parameters) {
        for (Pair<String, Parameter> p : parameters) {
            NDArray weight = p.getValue().getArray();
            optimizer.update(p.getValue().getId(), weight, weight.getGradient());
        }
    }

    private static String name(DataType type) {
        return type == DataType.FLOAT32 ? "float32" : "float64";
    }
}
