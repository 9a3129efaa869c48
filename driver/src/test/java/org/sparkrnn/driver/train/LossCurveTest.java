package org.sparkrnn.driver.train;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loss curve reads like a chart a person drew: round ticks, units, the kept model marked, a smoothed line. */
class LossCurveTest {

    @Test
    void ticksAreRoundNumbers() {
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8), LossCurve.Axis.linear(0, 0.69).ticks().stream()
                .map(t -> Math.round(t * 1e9) / 1e9).toList());
        assertEquals(List.of(0.0, 100.0, 200.0, 300.0, 400.0), LossCurve.Axis.linear(0, 360).ticks());
        assertEquals(List.of(0.01, 0.1, 1.0), LossCurve.Axis.log(0.0209, 0.69).ticks());
        assertEquals(0.5, LossCurve.Axis.roundStep(0.3));
        assertEquals(2.0, LossCurve.Axis.roundStep(1.2));
    }

    @Test
    void theCurveNamesItsUnitsMarksTheKeptModelAndSmoothsTheNoise() {
        List<MetricsHistory.Row> rows = new ArrayList<>();
        Random noise = new Random(1);
        for (int i = 1; i <= 360; i++) {
            double trend = 0.7 * Math.exp(-i / 80.0) + 0.02;
            Map<String, Double> validation = i % 20 == 0 ? Map.of("loss", trend * 1.5) : Map.of();
            rows.add(new MetricsHistory.Row(i, 1 + i / 8, trend * (1 + 0.5 * noise.nextGaussian()), 1, 0.01,
                    validation));
        }
        String svg = LossCurve.svg(rows, "I=1 lstm(32) -> 1 (mse)", "mse, standardised units", 240L);
        assertTrue(svg.contains("loss (mse, standardised units"), "units on the axis");
        assertTrue(svg.contains("kept model @240"), "kept model marked");
        assertTrue(svg.contains("train (smoothed)") && svg.contains("train (each iteration)"), "both lines");
        Matcher labels = Pattern.compile("text-anchor=\"(end|middle)\">([^<]+)</text>").matcher(svg);
        while (labels.find()) {
            String label = labels.group(2);
            if (label.equals("iteration") || label.startsWith("loss")) {
                continue;
            }
            java.math.BigDecimal value = new java.math.BigDecimal(Double.parseDouble(label)).round(
                    new java.math.MathContext(12)).stripTrailingZeros();
            assertTrue(value.signum() == 0 || value.precision() <= 2, "round tick label: " + label);
        }
        List<double[]> raw = new ArrayList<>();
        for (MetricsHistory.Row row : rows) {
            raw.add(new double[] {row.iteration(), row.trainLoss()});
        }
        assertTrue(roughness(LossCurve.smoothed(raw)) < roughness(raw) / 5, "the smoothed line is smooth");
    }

    private static double roughness(List<double[]> points) {
        double sum = 0;
        for (int i = 1; i < points.size(); i++) {
            sum += Math.abs(points.get(i)[1] - points.get(i - 1)[1]);
        }
        return sum;
    }
}
