package org.sparkrnn.optim;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Our update rules, clipping and schedules against trajectories recorded from PyTorch itself
 * ({@code golden/torch_optim_golden.py}, output kept beside it): same start, same gradients, same parameters after
 * every step, to 1e-12.
 */
class OptimizerGoldenTest {

    private static final double TOL = 1e-12;

    @Test
    void everyUpdateRuleFollowsTorchStepByStep() throws IOException {
        List<String> lines = golden();
        int cases = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] head = lines.get(i).split(" ");
            if (!head[0].equals("case")) {
                continue;
            }
            cases++;
            Map<String, String> kw = keywords(head);
            OptimizerSettings settings = settingsFor(head[1], kw);
            Optimizer optimizer = new Optimizer(settings);
            OptimizerState state = optimizer.init();
            double[] params = values(lines.get(++i), "params");
            int step = 0;
            while (i + 1 < lines.size() && lines.get(i + 1).startsWith("grad ")) {
                double[] grad = values(lines.get(++i), "grad");
                double[] keep = grad.clone();
                optimizer.stepInPlace(params, grad, state, Double.parseDouble(kw.get("lr")));
                assertTrue(Arrays.equals(keep, grad), "the gradient is read only");
                step++;
                double[] expected = values(lines.get(++i), "after");
                for (int j = 0; j < params.length; j++) {
                    if (Math.abs(expected[j] - params[j]) > TOL * Math.max(1, Math.abs(expected[j]))) {
                        fail(head[1] + " step " + step + " param " + j + ": torch " + expected[j] + ", ours " + params[j]);
                    }
                }
            }
            assertEquals(4, step, head[1]);
            assertEquals(step, state.step());
        }
        assertEquals(10, cases);
    }

    @Test
    void schedulesFollowTorchsLrSchedulers() throws IOException {
        List<String> lines = golden();
        int schedules = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] head = lines.get(i).split(" ");
            if (!head[0].equals("schedule")) {
                continue;
            }
            schedules++;
            Map<String, String> kw = keywords(head);
            double base = Double.parseDouble(kw.get("base"));
            LearningRateSchedule schedule = switch (head[1]) {
                case "step" -> new LearningRateSchedule(LearningRateSchedule.Kind.STEP, base,
                        Integer.parseInt(kw.get("step_size")), Double.parseDouble(kw.get("gamma")), 1, 0, 0);
                case "exponential" -> new LearningRateSchedule(LearningRateSchedule.Kind.EXPONENTIAL, base, 1,
                        Double.parseDouble(kw.get("gamma")), 1, 0, 0);
                case "cosine" -> new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, base, 1, 1,
                        Integer.parseInt(kw.get("total")), Double.parseDouble(kw.get("min_lr")), 0);
                default -> throw new IllegalStateException(head[1]);
            };
            double[] rates = values(lines.get(++i), "rates");
            for (int t = 0; t < rates.length; t++) {
                if (head[1].equals("cosine") && t > 10) {
                    break; // torch's recursive form walks back up past T_max; ours holds min_lr there
                }
                assertEquals(rates[t], schedule.rateAt(t), 1e-12, head[1] + " at iteration " + t);
            }
        }
        assertEquals(3, schedules);
    }

    @Test
    void clippingFollowsClipGradNorm() throws IOException {
        List<String> lines = golden();
        int clips = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] head = lines.get(i).split(" ");
            if (!head[0].equals("clip")) {
                continue;
            }
            clips++;
            double maxNorm = Double.parseDouble(head[1]);
            double[] grad = values(lines.get(++i), "grad");
            double[] clipped = values(lines.get(++i), "clipped");
            double norm = GradientClipping.clipInPlace(grad, maxNorm);
            assertEquals(clipped[0], norm, 1e-12);
            for (int j = 0; j < grad.length; j++) {
                assertEquals(clipped[j + 1], grad[j], 1e-12, "clipped[" + j + "]");
            }
        }
        assertEquals(2, clips);
    }

    @Test
    void warmUpRampsLinearlyThenHandsOver() {
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 0.1, 1, 1, 1, 0, 4);
        assertEquals(0.025, schedule.rateAt(0), 1e-15);
        assertEquals(0.075, schedule.rateAt(2), 1e-15);
        assertEquals(0.1, schedule.rateAt(3), 1e-15);
        assertEquals(0.1, schedule.rateAt(100), 1e-15);
    }

    private static OptimizerSettings settingsFor(String name, Map<String, String> kw) {
        OptimizerKind kind = OptimizerKind.fromCliName(name.substring(0, name.indexOf('_')));
        OptimizerSettings d = OptimizerSettings.defaultsFor(kind);
        String[] betas = kw.getOrDefault("betas", d.beta1() + "," + d.beta2()).split(",");
        return new OptimizerSettings(kind,
                num(kw, "momentum", d.momentum()), num(kw, "dampening", d.dampening()),
                Boolean.parseBoolean(kw.getOrDefault("nesterov", "false").toLowerCase()),
                num(kw, "weight_decay", d.weightDecay()), Double.parseDouble(betas[0]), Double.parseDouble(betas[1]),
                num(kw, "eps", d.eps()), num(kw, "alpha", d.alpha()),
                Boolean.parseBoolean(kw.getOrDefault("centered", "false").toLowerCase()),
                num(kw, "lr_decay", d.lrDecay()), num(kw, "initial_accumulator_value", d.initialAccumulator()));
    }

    private static double num(Map<String, String> kw, String key, double fallback) {
        return kw.containsKey(key) ? Double.parseDouble(kw.get(key)) : fallback;
    }

    private static Map<String, String> keywords(String[] head) {
        Map<String, String> kw = new HashMap<>();
        for (int j = 2; j < head.length; j++) {
            String[] pair = head[j].split("=", 2);
            kw.put(pair[0], pair[1]);
        }
        return kw;
    }

    private static double[] values(String line, String tag) {
        String[] parts = line.trim().split(" ");
        if (!parts[0].equals(tag)) {
            throw new IllegalStateException("expected '" + tag + "' line, got: " + line);
        }
        return Arrays.stream(parts, 1, parts.length).mapToDouble(Double::parseDouble).toArray();
    }

    private static List<String> golden() throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                OptimizerGoldenTest.class.getResourceAsStream("/golden/torch_optim_golden.txt"),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }
}
