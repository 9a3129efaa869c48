package org.sparkrnn.driver.train;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.cli.TrainCommand;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run stopped and resumed from its checkpoint ends with exactly the weights of an uninterrupted run (mini-batches,
 * Adam, validation with best-model tracking), also when the newest checkpoint is damaged, and an existing model
 * directory is never overwritten by accident.
 */
@Tag("every-spark-line")
class ResumeTest {

    @TempDir
    Path tmp;

    private Path data;

    private Trainer.Result train(Path model, long iterations, String... extra) throws Exception {
        return train(model, iterations, new PrintStream(java.io.OutputStream.nullOutputStream()), extra);
    }

    private Trainer.Result train(Path model, long iterations, PrintStream out, String... extra) throws Exception {
        if (data == null) {
            data = TestData.perStepRegression(tmp, "train.jsonl", 13, 2, 6, 5);
        }
        String[] base = {"--data", data.toString(), "--hidden", "4", "--batch-size", "3", "--partitions", "3",
                "--precision", "float64", "--validation-fraction", "0.25", "--validate-every", "2",
                "--checkpoint-every", "2", "--iterations", String.valueOf(iterations), "--model-dir", model.toString(),
                "--log-every", "100"};
        String[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
        return new Trainer(SharedSpark.get(), TrainCommand.parse(args), out).run();
    }

    @Test
    void resumedRunEndsWithTheWeightsOfAnUninterruptedOne() throws Exception {
        Trainer.Result straight = train(tmp.resolve("straight"), 9);

        Path model = tmp.resolve("stopped");
        train(model, 5); // checkpoints at 2, 4 and the end (5)
        Trainer.Result resumed = train(model, 9, "--resume");
        // Spark merges the last partition results in the order tasks finish, so with 3 partitions two runs may
        // round differently in the last bit: equal to 1e-12, not necessarily bit for bit.
        DistributedEqualsLocalTest.assertAllClose(straight.finalParams(), resumed.finalParams(), "final weights");
        DistributedEqualsLocalTest.assertAllClose(straight.keptParams(), resumed.keptParams(), "best weights");
        List<MetricsHistory.Row> a = straight.history().rows();
        List<MetricsHistory.Row> b = resumed.history().rows();
        assertEquals(a.size(), b.size(), "metrics history rows");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).iteration(), b.get(i).iteration());
            DistributedEqualsLocalTest.assertClose(a.get(i).trainLoss(), b.get(i).trainLoss(), "loss row " + i);
            assertEquals(a.get(i).validation().keySet(), b.get(i).validation().keySet(), "validated at " + i);
        }
    }

    /**
     * A stop requested while Spark starts or the data load (a Ctrl-C before the first iteration) is not lost: the run
     * does no iteration, writes a checkpoint of where it stands and says it was interrupted; resumed, it ends with the
     * uninterrupted run's weights, bit for bit.
     */
    @Test
    void aStopRequestedBeforeTheFirstIterationIsKeptAndResumable() throws Exception {
        Trainer.Result straight = train(tmp.resolve("straight-early"), 4);
        Path model = tmp.resolve("early");
        StopRequest stop = new StopRequest();
        assertTrue(stop.request("SIGINT"), "the first request");
        assertTrue(!stop.request("SIGINT"), "a second one is a second one");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String[] args = {"--data", data.toString(), "--hidden", "4", "--batch-size", "3", "--partitions", "3",
                "--precision", "float64", "--validation-fraction", "0.25", "--validate-every", "2",
                "--checkpoint-every", "2", "--iterations", "4", "--model-dir", model.toString(), "--log-every", "100"};
        Trainer.Result early = new Trainer(SharedSpark.get(), TrainCommand.parse(args),
                new PrintStream(captured, true, StandardCharsets.UTF_8), stop).run();
        assertTrue(early.interrupted());
        assertEquals(0, early.iterations());
        String shown = captured.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("interrupted at iteration 0;") && !shown.contains("iter 1/"), shown);
        Trainer.Result resumed = train(model, 4, "--resume");
        assertArrayEquals(straight.finalParams(), resumed.finalParams(), "resumed from iteration 0");
    }

    @Test
    void aDamagedNewestCheckpointIsSkippedAndTheResultIsStillExact() throws Exception {
        Trainer.Result straight = train(tmp.resolve("straight"), 8);
        Path model = tmp.resolve("crashed");
        train(model, 6);
        Path checkpoints = model.resolve("checkpoints");
        Path newest;
        try (Stream<Path> files = Files.list(checkpoints)) {
            newest = files.filter(f -> f.toString().endsWith(".bin")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        // a write cut short (only possible without the rename, e.g. a full disk) and a leftover temporary file
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.write(checkpoints.resolve("ckpt-000000000007.bin.tmp"), new byte[] {1, 2, 3});

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Result resumed = train(model, 8, new PrintStream(log, true, StandardCharsets.UTF_8), "--resume");
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("skipping checkpoint") && text.contains("checksum mismatch"), text);
        assertTrue(text.contains("resuming from iteration 4"), text);
        DistributedEqualsLocalTest.assertAllClose(straight.finalParams(), resumed.finalParams(), "final weights");
    }

    @Test
    void anExistingModelDirectoryIsNeitherOverwrittenNorResumedWithOtherSettings() throws Exception {
        Path model = tmp.resolve("model");
        train(model, 2);
        byte[] before = Files.readAllBytes(model.resolve("model.safetensors"));
        UserError exists = assertThrows(UserError.class, () -> train(model, 2));
        assertTrue(exists.getMessage().contains("already holds a training run"), exists.getMessage());
        UserError changed = assertThrows(UserError.class, () -> train(model, 4, "--resume", "--lr", "0.5"));
        assertTrue(changed.getMessage().contains("--lr was null, now 0.5"), changed.getMessage());
        assertArrayEquals(before, Files.readAllBytes(model.resolve("model.safetensors")), "nothing was touched");
        List<String> ckpts;
        try (Stream<Path> files = Files.list(model.resolve("checkpoints"))) {
            ckpts = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("ckpt-000000000002.bin"), ckpts);
    }
}
