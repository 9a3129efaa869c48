package org.sparkrnn.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything an update rule remembers between steps, explicit so that a checkpoint can write it and a resumed run
 * continue exactly: the step count and named per-parameter slots, each one flat array in the parameter layout
 * (torch's names: {@code momentum_buffer}, {@code exp_avg}, {@code exp_avg_sq}, {@code square_avg},
 * {@code grad_avg}, {@code sum}). A slot appears when the rule first needs it, as in torch.
 */
public final class OptimizerState {

    private long step;
    private final Map<String, double[]> slots = new LinkedHashMap<>();

    public long step() {
        return step;
    }

    void advance() {
        step++;
    }

    /** The slot, created filled with {@code initial} on first use. */
    double[] slot(String name, int size, double initial) {
        return slots.computeIfAbsent(name, n -> {
            double[] values = new double[size];
            if (initial != 0) {
                java.util.Arrays.fill(values, initial);
            }
            return values;
        });
    }

    boolean has(String name) {
        return slots.containsKey(name);
    }

    /** Slots by name, in creation order; the live arrays. */
    public Map<String, double[]> slots() {
        return Collections.unmodifiableMap(slots);
    }

    /** Rebuilds a state read from a checkpoint. */
    public static OptimizerState restore(long step, Map<String, double[]> slots) {
        OptimizerState state = new OptimizerState();
        state.step = step;
        state.slots.putAll(slots);
        return state;
    }
}
