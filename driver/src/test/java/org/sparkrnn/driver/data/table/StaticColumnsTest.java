package org.sparkrnn.driver.data.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --static-columns} on five series of the bundled employment panel with their BLS super-sector as text: the
 * text becomes one one-hot input per category (sorted, kept in the model), exactly as the same categories given as
 * numeric columns (the same bits, trained and predicted); a category the model never saw is counted, not fatal; a
 * row that leaves the static empty takes its series' value; a static that changes within a series is one line.
 */
class StaticColumnsTest {

    private static final Map<String, String> GROUP = Map.of("construction", "goods", "manufacturing", "goods",
            "utilities", "services", "information", "services", "retail_trade", "trade");

    @TempDir
    Path tmp;

    /** The panel's rows of the five series: the group as text, and the same as three numeric columns. */
    private static List<String> panel(java.util.function.UnaryOperator<String> group) throws Exception {
        List<String> all = Files.readAllLines(Path.of("../data/us-employment-by-sector.csv"));
        List<String> rows = new ArrayList<>(List.of("sector,month,employed,group,is_goods,is_services,is_trade"));
        for (String line : all.subList(1, all.size())) {
            String[] f = line.split(",");
            String g = GROUP.get(f[0]);
            if (g != null) {
                rows.add(line + "," + group.apply(g) + "," + (g.equals("goods") ? 1 : 0) + ","
                        + (g.equals("services") ? 1 : 0) + "," + (g.equals("trade") ? 1 : 0));
            }
        }
        return rows;
    }

    private Printed.Output<Integer> train(Path data, Path model, String statics) {
        Printed.Output<Integer> out = Printed.commandLine(true, "train", "--data", data.toString(), "--format", "csv",
                "--id-column", "sector", "--time-column", "month", "--target-column", "employed", "--static-columns",
                statics, "--window", "12", "--validate-from", "2014-01-01", "--normalize", "series", "--hidden", "5",
                "--iterations", "10", "--batch-size", "all", "--precision", "float64", "--master", "local[2]",
                "--log-every", "100", "--model-dir", model.toString());
        SharedSpark.stop();
        return out;
    }

    @Test
    void textIsOneHotByTheModelsCategoriesExactlyAsNumbersWouldBe() throws Exception {
        Path data = Files.write(tmp.resolve("panel.csv"), panel(g -> g));
        Path text = tmp.resolve("text");
        Path numbers = tmp.resolve("numbers");
        Printed.Output<Integer> a = train(data, text, "group");
        assertEquals(0, a.value(), a.text());
        Printed.Output<Integer> b = train(data, numbers, "is_goods,is_services,is_trade");
        assertEquals(0, b.value(), b.text());
        assertTrue(a.text().contains("model I=4 lstm(5)"), a.text());
        SavedModel saved = new ModelDirectory(new FileStore(new org.apache.hadoop.conf.Configuration()),
                text.toString()).readModel();
        assertEquals(Map.of("group", List.of("goods", "services", "trade")), saved.shape().staticCategories());
        SavedModel plain = new ModelDirectory(new FileStore(new org.apache.hadoop.conf.Configuration()),
                numbers.toString()).readModel();
        assertTrue(java.util.Arrays.equals(saved.params(), plain.params()), "the same weights, bit for bit");

        // predict: a table with a group the model never saw, and rows that leave the group empty
        List<String> other = panel(g -> g.equals("trade") ? "retail" : g);
        other.replaceAll(r -> r.startsWith("utilities,2015") ? r.replace(",services,", ",,") : r);
        Path otherData = Files.write(tmp.resolve("other.csv"), other);
        Path out = tmp.resolve("predicted");
        Printed.Output<Integer> predicted = Printed.commandLine(true, "predict", "--model-dir", text.toString(),
                "--data", otherData.toString(), "--output", out.toString(), "--precision", "float64", "--master",
                "local[2]");
        SharedSpark.stop();
        assertEquals(0, predicted.value(), predicted.text());
        assertTrue(predicted.text().contains("warning: " + otherData + ": 1 series have a --static-columns group"
                + " value the model never saw ('retail'): its one-hot inputs are all 0 there"), predicted.text());
        Path outNumbers = tmp.resolve("predicted-numbers");
        Printed.Output<Integer> predictedNumbers = Printed.commandLine(true, "predict", "--model-dir",
                numbers.toString(), "--data", data.toString(), "--output", outNumbers.toString(), "--precision",
                "float64", "--master", "local[2]");
        SharedSpark.stop();
        assertEquals(0, predictedNumbers.value(), predictedNumbers.text());
        Map<String, Double> fromText = predictions(out);
        Map<String, Double> fromNumbers = predictions(outNumbers);
        assertEquals(fromNumbers.keySet(), fromText.keySet(), "every window, the empty statics filled");
        for (String key : fromText.keySet()) {
            if (!key.startsWith("retail_trade")) { // its group is unknown to the model there: all 0, not trade
                assertEquals(fromNumbers.get(key), fromText.get(key), 0.0, key);
            } else {
                assertTrue(!fromNumbers.get(key).equals(fromText.get(key)), key);
            }
        }
    }

    @Test
    void aStaticThatChangesWithinASeriesIsOneLine() throws Exception {
        List<String> rows = panel(g -> g);
        rows.replaceAll(r -> r.startsWith("information,2012-03-01") ? r.replace(",services,", ",trade,") : r);
        Path model = tmp.resolve("model");
        Printed.Output<Integer> refused = train(Files.write(tmp.resolve("changing.csv"), rows), model, "group");
        assertTrue(refused.value() != 0, refused.text());
        List<String> errors = refused.text().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), refused.text());
        assertTrue(errors.get(0).endsWith("changing.csv: series information: static column 'group' changes within"
                + " the series: 'services' at 2006-01-01, 'trade' at 2012-03-01 (--static-columns hold one value per"
                + " series)"),
                errors.get(0));
        assertFalse(Files.exists(model.resolve("model.safetensors")));
    }

    private static Map<String, Double> predictions(Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Double> out = new TreeMap<>();
        try (Stream<Path> parts = Files.list(dir)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    JsonNode row = json.readTree(line);
                    out.put(row.get("sector").asText() + "@" + row.get("time").asText(),
                            row.get("prediction").asDouble());
                }
            }
        }
        return out;
    }
}
