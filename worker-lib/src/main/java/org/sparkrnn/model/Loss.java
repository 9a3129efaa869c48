package org.sparkrnn.model;

/**
 * The training objective. A contract: kernels return the loss <em>sum</em> and the {@linkplain #count count} of
 * units it is over, and the objective is {@code sum * objectiveScale(count)}, formed once after all sums are merged.
 */
public enum Loss implements CliNamed {
    /** {@code torch.nn.MSELoss()}: mean over all labelled output elements of (ŷ − y)². Count: labelled steps × V. */
    MSE("mse", false),
    /** {@code torch.nn.CrossEntropyLoss()}: mean over labelled steps of −log softmax(z)[y]. Count: labelled steps. */
    CROSS_ENTROPY("cross-entropy", true),
    /** Gomez's E = Σ ½(ŷ − y)², not divided by anything. Count: labelled steps × V (reported, not used to scale). */
    SUM_HALF_SQUARED("sum-half-squared", false),
    /**
     * Pinball loss at the levels the network spec holds ({@code --loss quantile:0.1,0.5,0.9}), one output per level
     * per value, never crossing ({@code distribution.ForecastHead}): mean over labelled values and
     * levels. Count: labelled steps × V.
     */
    QUANTILE("quantile", false),
    /** Negative log-likelihood of a normal distribution (μ, softplus σ). Count: labelled steps × V. */
    GAUSSIAN("gaussian", false),
    /** Negative log-likelihood of Student's t (μ, softplus σ, 2 + softplus ν). Count: labelled steps × V. */
    STUDENT_T("student-t", false),
    /** Negative log-likelihood of a negative binomial (softplus mean, softplus α), for counts. Count: as above. */
    NEGATIVE_BINOMIAL("negative-binomial", false);

    private final String cliName;
    private final boolean classification;

    Loss(String cliName, boolean classification) {
        this.cliName = cliName;
        this.classification = classification;
    }

    /**
     * True when the head gives quantiles or a distribution's parameters rather than one number per value
     * ({@code distribution.ForecastHead}).
     */
    public boolean isProbabilistic() {
        return this == QUANTILE || this == GAUSSIAN || this == STUDENT_T || this == NEGATIVE_BINOMIAL;
    }

    /**
     * The head's raw outputs per predicted value: the levels of a quantile loss ({@code levels} of them), 2 or 3
     * parameters of a distribution, else 1.
     */
    public int outputsPerValue(int levels) {
        return switch (this) {
            case QUANTILE -> levels;
            case GAUSSIAN, NEGATIVE_BINOMIAL -> 2;
            case STUDENT_T -> 3;
            default -> 1;
        };
    }

    @Override
    public String cliName() {
        return cliName;
    }

    /** True when labels are integer class ids and the head is a softmax over V = K classes. */
    public boolean isClassification() {
        return classification;
    }

    /** How many units one labelled step contributes to the count, for a head of {@code outputs} values. */
    public int countPerLabelledStep(int outputs) {
        return classification ? 1 : outputs;
    }

    /** The factor turning a merged loss or gradient sum over {@code count} units into the objective. */
    public double objectiveScale(long count) {
        if (this == SUM_HALF_SQUARED) {
            return 1.0;
        }
        if (count <= 0) {
            throw new IllegalArgumentException("cannot form the mean " + cliName + " over " + count + " labelled units");
        }
        return 1.0 / count;
    }

    public static Loss fromCliName(String name) {
        return CliNamed.parse(Loss.class, name, "loss");
    }
}
