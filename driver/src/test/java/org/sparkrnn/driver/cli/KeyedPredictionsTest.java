package org.sparkrnn.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Predictions join back to their input: a CSV window carries the time of its last step and the last window (whose
 * target is in the future) is predicted too; a JSON Lines record carries its other fields, or its line number.
 */
class KeyedPredictionsTest {

    @TempDir
    Path tmp;

    private List<JsonNode> predict(Path model, Path data, String... extra) throws Exception {
        Path out = tmp.resolve("predictions-" + data.getFileName());
        List<String> args = new ArrayList<>(List.of("predict", "--model-dir", model.toString(), "--data",
                data.toString(), "--output", out.toString(), "--master", "local[2]"));
        args.addAll(List.of(extra));
        SharedSpark.stop();
        assertEquals(0, Main.run(args.toArray(new String[0])));
        List<JsonNode> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part)) {
                    rows.add(json.readTree(line));
                }
            }
        }
        return rows;
    }

    private Path train(Path data, String... extra) {
        Path model = tmp.resolve("model-" + data.getFileName());
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--model-dir",
                model.toString(), "--hidden", "4", "--iterations", "3", "--master", "local[2]", "--log-every", "10"));
        args.addAll(List.of(extra));
        SharedSpark.stop();
        assertEquals(0, Main.run(args.toArray(new String[0])));
        return model;
    }

    @Test
    void csvWindowsAreKeyedByTheirLastTimeAndTheLastOneIsAForecast() throws Exception {
        List<String> lines = new ArrayList<>(List.of("year,value"));
        for (int i = 0; i < 30; i++) {
            lines.add((1950 + i) + "," + (i == 12 ? "" : String.valueOf(Math.sin(i * 0.4))));
        }
        Path csv = TestData.write(tmp, "s.csv", lines.toArray(new String[0]));
        Path model = train(csv, "--format", "csv", "--column", "value", "--time-column", "year", "--window", "5");
        List<JsonNode> rows = predict(model, csv);
        // 30 values with one gap at 1962: windows of 5 that avoid it end 1954..1961 and 1967..1979
        List<String> times = rows.stream().map(r -> r.get("time").asText()).toList();
        List<String> expected = new ArrayList<>();
        for (int year = 1954; year <= 1979; year++) {
            if (year < 1962 || year > 1966) {
                expected.add(String.valueOf(year));
            }
        }
        assertEquals(expected, times);
        assertTrue(rows.stream().allMatch(r -> r.get("prediction").isNumber()));
    }

    /** {@code --output-format csv}: each part file starts with the column names, as Spark's csv reader expects. */
    @Test
    void csvPredictionsStartWithTheirColumnNames() throws Exception {
        Path keyed = TestData.write(tmp, "to-csv.jsonl",
                "{\"id\": \"a\", \"features\": [[1], [2]], \"label\": 0.5}",
                "{\"id\": \"b\", \"features\": [[2], [1]], \"label\": 0.1}");
        Path model = train(keyed);
        Path out = tmp.resolve("csv-out");
        SharedSpark.stop();
        assertEquals(0, Main.run("predict", "--model-dir", model.toString(), "--data", keyed.toString(), "--output",
                out.toString(), "--output-format", "csv", "--master", "local[1]", "--partitions", "1"));
        List<String> lines = new ArrayList<>();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                List<String> content = Files.readAllLines(part);
                if (!content.isEmpty()) {
                    assertEquals("id,prediction", content.get(0), part.toString());
                    lines.addAll(content.subList(1, content.size()));
                }
            }
        }
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("a,") && lines.get(1).startsWith("b,"), lines.toString());
    }

    @Test
    void jsonLinesKeepTheirKeysOrTheirLineNumbers() throws Exception {
        Path keyed = TestData.write(tmp, "keyed.jsonl",
                "{\"id\": \"a\", \"store\": 7, \"features\": [[1], [2]], \"label\": 0.5, \"extra\": {\"x\": 1}}",
                "{\"id\": \"b\", \"store\": 8, \"features\": [[2], [1]], \"label\": 0.1}",
                "{\"store\": 9, \"id\": \"c\", \"features\": [[0], [1]], \"label\": 0.3}");
        Path model = train(keyed);
        List<JsonNode> rows = predict(model, keyed);
        assertEquals(List.of("a", "b", "c"), rows.stream().map(r -> r.get("id").asText()).toList());
        assertEquals(List.of(7L, 8L, 9L), rows.stream().map(r -> r.get("store").asLong()).toList());
        assertFalse(rows.get(0).has("label") || rows.get(0).has("features") || rows.get(0).has("extra"),
                rows.get(0).toString());

        Path plain = TestData.write(tmp, "plain.jsonl", "{\"features\": [[1], [2]]}", "",
                "{\"features\": [[2], [1]]}", "{\"features\": [[3], [1]]}");
        List<JsonNode> numbered = predict(model, plain);
        assertEquals(List.of(1L, 3L, 4L), numbered.stream().map(r -> r.get("line").asLong()).toList(),
                "line numbers as in the file (a blank line counts)");
    }

    @Test
    void textWindowsAreNumberedInInputOrder() throws Exception {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(12));
        Path model = train(text, "--format", "text", "--window", "16", "--partitions", "3");
        List<JsonNode> rows = predict(model, text, "--partitions", "3");
        List<Long> windows = rows.stream().map(r -> r.get("window").asLong()).toList();
        List<Long> expected = new ArrayList<>();
        for (long w = 0; w < windows.size(); w++) {
            expected.add(w);
        }
        assertEquals(expected, windows);
        assertEquals((45 * 12 - 1 + 15) / 16, windows.size(), "one per window of 16 characters");
        assertTrue(rows.get(0).get("prediction").isArray(), "a prediction per step");
    }
}
