package org.sparkrnn.optim;

import org.sparkrnn.model.CliNamed;

import java.util.Objects;

/**
 * The learning rate at each iteration (0-based): a base rate shaped by a schedule, times an optional linear warm-up
 * factor {@code min(1, (i + 1) / warmup)}. The schedules follow torch's {@code lr_scheduler} stepped once per
 * iteration:
 * <ul>
 *   <li>constant: {@code base}</li>
 *   <li>step: {@code base · gamma^floor(i / stepSize)} ({@code StepLR})</li>
 *   <li>exponential: {@code base · gamma^i} ({@code ExponentialLR})</li>
 *   <li>cosine: {@code minLr + (base − minLr)(1 + cos(π·i / total)) / 2} ({@code CosineAnnealingLR}, T_max = total)</li>
 * </ul>
 */
public record LearningRateSchedule(Kind kind, double base, int stepSize, double gamma, int total, double minLr,
                                   int warmup) {

    public enum Kind implements CliNamed {
        CONSTANT("constant"), STEP("step"), EXPONENTIAL("exponential"), COSINE("cosine");

        private final String cliName;

        Kind(String cliName) {
            this.cliName = cliName;
        }

        @Override
    public String cliName() {
            return cliName;
        }

        public static Kind fromCliName(String name) {
            return CliNamed.parse(Kind.class, name, "schedule");
        }
    }

    public LearningRateSchedule {
        Objects.requireNonNull(kind, "kind");
        if (!(base > 0) || !Double.isFinite(base)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + base);
        }
        if (kind == Kind.STEP && stepSize < 1) {
            throw new IllegalArgumentException("step schedule needs a step size >= 1, got " + stepSize);
        }
        if ((kind == Kind.STEP || kind == Kind.EXPONENTIAL) && !(gamma > 0)) {
            throw new IllegalArgumentException("schedule gamma must be > 0, got " + gamma);
        }
        if (kind == Kind.COSINE && total < 1) {
            throw new IllegalArgumentException("cosine schedule needs the total number of iterations, got " + total);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warm-up must be >= 0 iterations, got " + warmup);
        }
    }

    public static LearningRateSchedule constant(double base) {
        return new LearningRateSchedule(Kind.CONSTANT, base, 1, 1, 1, 0, 0);
    }

    public double rateAt(long iteration) {
        double rate = switch (kind) {
            case CONSTANT -> base;
            case STEP -> base * Math.pow(gamma, Math.floorDiv(iteration, stepSize));
            case EXPONENTIAL -> base * Math.pow(gamma, iteration);
            case COSINE -> minLr + (base - minLr) * (1 + Math.cos(Math.PI * Math.min(iteration, total) / total)) / 2;
        };
        if (warmup > 0 && iteration < warmup) {
            rate *= (iteration + 1.0) / warmup;
        }
        return rate;
    }
}
