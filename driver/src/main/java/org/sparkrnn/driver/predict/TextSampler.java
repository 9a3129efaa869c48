package org.sparkrnn.driver.predict;

import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.data.records.Vocabulary;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.kernel.ForwardResult;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.kernel.RecurrentState;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Text from a character model, one character at a time: the prime is read in one forward pass, then each step feeds
 * the sampled character back with the recurrent state carried over (so generating n characters costs n steps, not
 * n² as re-reading the text would). Characters are drawn from the model's probabilities sharpened by a temperature:
 * p_k^(1/T) renormalised, i.e. softmax(logits / T); T = 0 takes the most probable character.
 */
public final class TextSampler {

    private final SavedModel model;
    private final Vocabulary vocabulary;
    private final NetworkKernel kernel;

    public TextSampler(SavedModel model, Precision precision) {
        if (!model.shape().oneHot() || model.vocabulary() == null) {
            throw new UserError("sample needs a character model (trained with --format text); this one reads "
                    + model.shape().inputSize() + " features per step");
        }
        if (model.spec().bidirectional() || model.spec().pooling() != org.sparkrnn.model.Pooling.LAST) {
            throw new UserError("sample generates one character after another, which a model reading whole"
                    + " sequences (bidirectional or pooled) cannot do");
        }
        this.model = model;
        this.vocabulary = model.vocabulary();
        this.kernel = NetworkKernel.create(model.spec(), precision, 0);
    }

    /** {@code length} characters following {@code prime} (not included), drawn with {@code seed}. */
    public String sample(String prime, int length, double temperature, long seed) {
        if (prime.isEmpty()) {
            throw new SettingError("{--prime} must have at least one character");
        }
        if (temperature < 0 || length < 0) {
            throw new SettingError("{--temperature} and {--length} must be >= 0");
        }
        int[] ids = new int[prime.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocabulary.idOf(prime.charAt(i));
            if (ids[i] < 0) {
                throw new SettingError("{--prime} has the character '" + printable(prime.charAt(i)) + "' (code "
                        + (int) prime.charAt(i) + "), which the model's vocabulary does not have");
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder(length);
        ForwardResult step = forward(ids, null);
        for (int n = 0; n < length; n++) {
            int next = draw(step.outputs(), temperature, random);
            text.append(vocabulary.symbol(next));
            step = forward(new int[] {next}, step.finalState());
        }
        return text.toString();
    }

    private ForwardResult forward(int[] tokens, RecurrentState state) {
        int[] unlabelled = new int[tokens.length];
        Arrays.fill(unlabelled, SequenceBatch.UNLABELLED);
        SequenceBatch batch = SequenceBatch.tokenBuilder(vocabulary.size(), LabelShape.PER_STEP, LabelKind.CLASSES, 1)
                .addTokensPerStep(tokens, unlabelled).build();
        ForwardResult result = kernel.forward(model.params(), batch, OutputMode.LAST_STEP, state);
        return new ForwardResult(result.mode(), result.outputSize(), result.outputs().clone(), result.finalState());
    }

    /** A class drawn from probabilities {@code p} (K of them) at temperature T. */
    static int draw(double[] p, double temperature, SplittableRandom random) {
        int k = p.length;
        if (temperature == 0) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                best = p[j] > p[best] ? j : best;
            }
            return best;
        }
        double[] w = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            w[j] = Math.log(Math.max(p[j], 1e-300)) / temperature;
            max = Math.max(max, w[j]);
        }
        double total = 0;
        for (int j = 0; j < k; j++) {
            w[j] = Math.exp(w[j] - max);
            total += w[j];
        }
        double u = random.nextDouble() * total;
        for (int j = 0; j < k; j++) {
            u -= w[j];
            if (u <= 0) {
                return j;
            }
        }
        return k - 1;
    }

    private static String printable(char c) {
        return c < 32 ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c);
    }
}
