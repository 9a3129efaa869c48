package org.sparkrnn.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every code pointer of docs/math.md ({@code path/File.java#method}, classes and tests alike) names a file that
 * exists and declares that method, so the guide cannot point at code that moved or was renamed.
 */
class MathGuideTest {

    private static final Pattern POINTER = Pattern.compile("`([\\w./-]+\\.java)#(\\w+)`");

    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("docs/math.md")) ? here : here.getParent();
    }

    @Test
    void everyCodePointerResolvesToAMethod() throws IOException {
        String guide = Files.readString(root().resolve("docs/math.md"));
        Matcher m = POINTER.matcher(guide);
        List<String> broken = new ArrayList<>();
        int count = 0;
        while (m.find()) {
            count++;
            Path file = root().resolve(m.group(1));
            if (!Files.exists(file)) {
                broken.add(m.group(0) + ": no such file");
                continue;
            }
            Pattern declaration = Pattern.compile("(?m)^\\s*(?:@\\w+\\s+)*(?:(?:public|protected|private|static"
                    + "|final|abstract|synchronized|default)\\s+)*(?:<[^>]+>\\s+)?[\\w<>\\[\\],.? ]+\\s+"
                    + Pattern.quote(m.group(2)) + "\\s*\\(");
            if (!declaration.matcher(Files.readString(file)).find()) {
                broken.add(m.group(0) + ": the file declares no method " + m.group(2));
            }
        }
        if (!broken.isEmpty()) {
            fail("docs/math.md points at code that is not there:\n" + String.join("\n", broken));
        }
        assertTrue(count >= 30, "only " + count + " pointers found: is the pointer syntax still `path#method`?");
    }
}
