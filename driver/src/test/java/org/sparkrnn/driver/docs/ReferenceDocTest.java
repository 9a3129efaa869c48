package org.sparkrnn.driver.docs;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/reference.md is what the code generates today: a changed option or default without `scripts/docs` fails. */
class ReferenceDocTest {

    @Test
    void theCommittedReferenceIsCurrent() throws Exception {
        Path here = Path.of("").toAbsolutePath();
        Path file = (Files.exists(here.resolve("docs")) ? here : here.getParent()).resolve("docs/reference.md");
        String generated = ReferenceDoc.markdown();
        assertTrue(generated.contains("| `--hidden` | `H1,H2,..` | `64` |"), "the generator lists options");
        assertTrue(generated.contains("| `weightDecay` | `0.0` |"), "the generator lists the ML params");
        assertEquals(Files.readString(file), generated, "docs/reference.md is stale: run scripts/docs");
    }
}
