package org.sparkrnn.driver.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.hadoop.util.ReflectionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.cli.TrainCommand;
import org.sparkrnn.driver.config.TrainingConfig;
import org.sparkrnn.driver.train.Trainer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input as users have it: compressed (any Hadoop codec; gzip and bzip2 here) for JSON Lines, CSV and text, with a
 * UTF-8 byte-order mark, with CRLF line endings. Each trains to the weights of the plain file (1e-12), holds out
 * the same records (decided per record, not by byte position), and names a bad line by its number.
 */
class CompressedInputTest {

    @TempDir
    Path tmp;

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private Trainer.Result train(Path data, String format, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--format", format, "--hidden", "3",
                "--iterations", "6", "--batch-size", "all", "--precision", "float64", "--lr", "0.05",
                "--partitions", "2"));
        args.addAll(List.of(extra));
        return new Trainer(SharedSpark.get(), TrainCommand.parse(args.toArray(new String[0]))
                .withOutput(TrainingConfig.Output.none()), QUIET).run();
    }

    private static List<String> jsonLines(int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"features\": [[" + (i % 7) * 0.1 + "], [" + (i % 5) * 0.2 + "]], \"label\": " + (i % 3) * 0.3
                    + "}");
        }
        return lines;
    }

    private Path compressed(Path plain, Class<? extends CompressionCodec> type) throws IOException {
        CompressionCodec codec = ReflectionUtils.newInstance(type, new Configuration());
        Path out = tmp.resolve(plain.getFileName() + codec.getDefaultExtension());
        try (OutputStream stream = codec.createOutputStream(Files.newOutputStream(out))) {
            stream.write(Files.readAllBytes(plain));
        }
        return out;
    }

    @Test
    void compressedJsonLinesTrainAsThePlainFile() throws Exception {
        Path plain = TestData.write(tmp, "d.jsonl", jsonLines(120).toArray(new String[0]));
        Trainer.Result expected = train(plain, "jsonl", "--validation-fraction", "0.2");
        for (Class<? extends CompressionCodec> codec : List.of(GzipCodec.class, BZip2Codec.class)) {
            Trainer.Result actual = train(compressed(plain, codec), "jsonl", "--validation-fraction", "0.2");
            assertEquals(expected.data().validationSequences(), actual.data().validationSequences(), codec.getName());
            assertArrayEquals(expected.finalParams(), actual.finalParams(), 1e-12, codec.getName());
        }
    }

    @Test
    void lineEndingsAndAByteOrderMarkChangeNothing() throws Exception {
        List<String> lines = jsonLines(150);
        Path unix = TestData.write(tmp, "unix.jsonl", lines.toArray(new String[0]));
        Path windows = tmp.resolve("windows.jsonl");
        Files.write(windows, ("\uFEFF" + String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String split : List.of("random", "tail")) {
            Trainer.Result a = train(unix, "jsonl", "--validation-fraction", "0.1", "--split", split);
            Trainer.Result b = train(windows, "jsonl", "--validation-fraction", "0.1", "--split", split);
            assertEquals(a.data().validationSequences(), b.data().validationSequences(), split);
            assertEquals(a.data().trainSequences(), b.data().trainSequences(), split);
            assertArrayEquals(a.finalParams(), b.finalParams(), 1e-12, split);
        }
        assertEquals(15, train(unix, "jsonl", "--validation-fraction", "0.1", "--split", "tail").data()
                .validationSequences(), "the last 10% of the records");
    }

    @Test
    void compressedCsvAndTextReadAsThePlainOnes() throws Exception {
        List<String> csv = new ArrayList<>(List.of("year,value"));
        for (int i = 0; i < 60; i++) {
            csv.add((1900 + i) + "," + Math.sin(i * 0.3));
        }
        Path plainCsv = tmp.resolve("s.csv");
        Files.writeString(plainCsv, "\uFEFF" + String.join("\n", csv) + "\n");
        String[] csvArgs = {"--column", "value", "--time-column", "year", "--window", "5", "--validate-from",
            "1950"};
        Trainer.Result expected = train(plainCsv, "csv", csvArgs);
        Trainer.Result gz = train(compressed(plainCsv, GzipCodec.class), "csv", csvArgs);
        assertEquals(expected.data().validationSequences(), gz.data().validationSequences());
        assertArrayEquals(expected.finalParams(), gz.finalParams(), 1e-12);

        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog\nand again the quick brown fox\n");
        Trainer.Result plainText = train(text, "text", "--window", "8");
        Trainer.Result bz2Text = train(compressed(text, BZip2Codec.class), "text", "--window", "8");
        assertEquals(plainText.data().trainSequences(), bz2Text.data().trainSequences());
        assertArrayEquals(plainText.finalParams(), bz2Text.finalParams(), 1e-12);
    }

    @Test
    void aBadLineOfACompressedFileIsNamedByItsNumber() throws Exception {
        List<String> lines = jsonLines(40);
        lines.set(27, "{\"features\": [[1], [2, 3]], \"label\": 0.5}");
        Path gz = compressed(TestData.write(tmp, "bad.jsonl", lines.toArray(new String[0])), GzipCodec.class);
        UserError error = UserError.findIn(assertThrows(Exception.class, () -> train(gz, "jsonl")));
        assertTrue(error != null && error.getMessage().startsWith(gz + " line 28: step 1 has 2 features"),
                String.valueOf(error));
    }
}
