package org.sparkrnn.driver.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the docs' examples are checked (the check itself, {@code scripts/docs --check-examples}, runs the real commands
 * in {@code scripts/test}): numbers to the precision shown, times set aside, lines found in order, a drifted line
 * replaced by what was printed, and a block in a list item kept indented.
 */
class DocExamplesTest {

    @TempDir
    Path tmp;

    @Test
    void aNumberAgreesToThePrecisionItIsShownWith() {
        assertTrue(DocExamples.sameToShownPrecision("12.99", "12.9915"));
        assertFalse(DocExamples.sameToShownPrecision("12.2", "12.9915"), "the README's drifted sunspots RMSE");
        assertTrue(DocExamples.sameToShownPrecision("30.00", "29.9987"));
        assertTrue(DocExamples.sameToShownPrecision("57", "57"));
        assertFalse(DocExamples.sameToShownPrecision("371.82", "371.82902903019624"), "371.83 when rounded");
        assertTrue(DocExamples.sameToShownPrecision("-21.3", "-21.28"));
        assertTrue(DocExamples.sameToShownPrecision("1.5e-3", "0.00149"));
    }

    @Test
    void timesAreNotComparedAndOtherNumbersAre() {
        assertTrue(DocExamples.agrees("batch 0: 191 rows in, 6.83 s; so far 0 forecasts, 0 late rows",
                "batch 0: 191 rows in, 1.72 s; so far 0 forecasts, 0 late rows"));
        assertFalse(DocExamples.agrees("batch 0: 191 rows in, 6.83 s; so far 0 forecasts, 0 late rows",
                "batch 0: 190 rows in, 6.83 s; so far 0 forecasts, 0 late rows"));
        assertTrue(DocExamples.agrees("iter 10/480  epoch 2  loss 0.89941  |g| 0.72041  lr 0.0100  366 seq/s  eta 0:00:39",
                "iter 10/480  epoch 2  loss 0.89941  |g| 0.72041  lr 0.0100  1210 seq/s  eta 0:00:12"));
        assertFalse(DocExamples.agrees("=> rmse 0.3953 vs baseline 0.5291", "=> mae 0.3953 vs baseline 0.5291"));
    }

    @Test
    void aShownLineStandsForTheFirstPrintedLineThatAgreesElseTheFirstOfItsShape() {
        List<String> printed = List.of("  1999  0.5261", "  1995  0.5099", "  1996  0.2976", "=> done");
        assertEquals(1, DocExamples.find("  1995  0.5099", printed, 0, false));
        assertEquals(0, DocExamples.find("  1995  0.5342", printed, 0, false), "drifted: the first of its shape");
        assertEquals(2, DocExamples.find("  1996  0.2789", printed, 1, true), "after ...: the last of the run");
        assertEquals(-1, DocExamples.find("=> not printed at all", printed, 0, false));
        // a table's columns narrow and widen with their numbers: the row still stands for its printed self
        assertEquals(0, DocExamples.find("  nonfarm      36   132.3794  -43.0%", List.of("  nonfarm      36    93.2430"
                + "  -59.9%"), 0, false));
    }

    @Test
    void aCheckRunsTheBlocksAndAWriteReplacesWhatDrifted() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(project.resolve("numbers.txt"), "3\n");
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        DocExamples examples = new DocExamples(project, scratch);
        examples.prepareScratch();
        String doc = String.join("\n",
                "Some prose.",
                "",
                "- In a list:",
                "",
                "  <!-- example -->",
                "  ```bash",
                "  echo \"count $(cat numbers.txt), took 2.5 s\"",
                "  # count 2, took 9.1 s   <- a note for the reader",
                "  echo \"path $PWD/numbers.txt\"",
                "  # path " + DocExamples.SHOWN_ROOT + "/numbers.txt",
                "  ```",
                "",
                "<!-- output of: printf 'a 1\\nb 2\\nc 3\\n' -->",
                "```",
                "a 1",
                "...",
                "c 4",
                "```",
                "");
        List<String> differences = new ArrayList<>();
        String written = examples.run("doc.md", doc, differences);
        assertEquals(2, differences.size(), differences.toString());
        assertTrue(differences.get(0).startsWith("doc.md:8: shows   count 2, took 9.1 s"), differences.get(0));
        assertTrue(written.contains("\n  # count 3, took 2.5 s   <- a note for the reader\n"), written);
        assertTrue(written.contains("\nc 3\n```"), written);
        assertTrue(written.contains("\n  # path " + DocExamples.SHOWN_ROOT + "/numbers.txt\n"), written);

        List<String> again = new ArrayList<>();
        DocExamples rerun = new DocExamples(project, Files.createDirectories(tmp.resolve("scratch2")));
        rerun.prepareScratch();
        assertEquals(written, rerun.run("doc.md", written, again));
        assertTrue(again.isEmpty(), again.toString());
    }
}
