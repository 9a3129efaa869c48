package org.sparkrnn.distribution;

import org.sparkrnn.model.Quantiles;
import org.junit.jupiter.api.Test;
import org.sparkrnn.model.Loss;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each probabilistic loss and its gradient against PyTorch ({@code torch_distributions.py} beside the fixture):
 * {@code torch.distributions}' Normal, StudentT and NegativeBinomial log-probabilities with their parameters through
 * softplus (the negative binomial's mean scaled per value as DeepAR scales it), and the pinball loss of
 * non-crossing quantiles; the loss sum and every d loss / d output to 1e-8 relative, in float64.
 */
class TorchDistributionGoldenTest {

    private record Case(String name, int parameters, double[] raw, double[] target, double[] scale, double loss,
                        double[] grad) {
    }

    private static List<Case> cases() throws IOException {
        List<String> lines;
        try (InputStream in = TorchDistributionGoldenTest.class.getResourceAsStream(
                "/golden/torch_distributions.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#"))
                    .toList();
        }
        List<Case> cases = new ArrayList<>();
        for (int k = 0; k < lines.size(); k += 6) {
            String[] head = lines.get(k).split(" ");
            cases.add(new Case(head[1], Integer.parseInt(head[2]), numbers(lines.get(k + 1)),
                    numbers(lines.get(k + 2)), numbers(lines.get(k + 3)), numbers(lines.get(k + 4))[0],
                    numbers(lines.get(k + 5))));
        }
        return cases;
    }

    private static double[] numbers(String line) {
        return Arrays.stream(line.substring(line.indexOf(' ') + 1).split(" ")).mapToDouble(Double::parseDouble)
                .toArray();
    }

    @Test
    void everyLossAndItsGradientIsPyTorchs() throws IOException {
        List<Case> cases = cases();
        assertEquals(6, cases.size());
        for (Case c : cases) {
            String[] name = c.name().split(":");
            Loss loss = Loss.fromCliName(name[0]);
            ForecastHead head = ForecastHead.of(loss, name.length > 1 ? Quantiles.parse(name[1], "levels")
                    : List.of());
            assertEquals(c.parameters(), head.parameters(), c.name());
            double[] grad = new double[c.raw().length];
            double sum = 0;
            for (int e = 0; e < c.target().length; e++) {
                sum += head.lossAndGradient(c.raw(), e * c.parameters(), c.target()[e], c.scale()[e], grad,
                        e * c.parameters());
            }
            assertEquals(c.loss(), sum, 1e-8 * Math.abs(c.loss()), c.name() + " loss");
            for (int j = 0; j < grad.length; j++) {
                assertEquals(c.grad()[j], grad[j], 1e-8 * Math.max(1, Math.abs(c.grad()[j])),
                        c.name() + " d loss / d raw " + j);
            }
            assertTrue(Arrays.stream(c.grad()).anyMatch(g -> Math.abs(g) > 1e-3), "a gradient far from zero");
        }
    }
}
