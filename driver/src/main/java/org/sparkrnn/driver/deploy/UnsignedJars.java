package org.sparkrnn.driver.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The launcher scripts' class path with unsigned copies of its signed jars (today Janino's two, Spark's code
 * generator). A signed jar's signature is checked whenever a JVM first loads a class from it (each entry's digest,
 * and the signature file's certificates), and the JVM's class-data archive leaves its classes out: both cost a
 * command's first Spark SQL query about 0.4 s here (docs/PERFORMANCE.md, section 16). The copies hold the same
 * classes and resources, without {@code META-INF/*.SF}, {@code .RSA}, {@code .DSA} and {@code .EC}; the jars come
 * from the local Maven repository, which checked them when it downloaded them.
 *
 * <p>{@code UnsignedJars CLASSPATH_FILE DIR}: rewrites the class path file (one line, entries separated by
 * {@code :}) in place, each signed jar replaced by its copy in {@code DIR}.
 */
public final class UnsignedJars {

    private static final Pattern SIGNATURE = Pattern.compile("META-INF/[^/]+\\.(SF|RSA|DSA|EC)");

    private UnsignedJars() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: UnsignedJars CLASSPATH_FILE DIR");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir); // (also when no jar is signed: the launchers see the class path is made)
        String classPath = Files.readString(file).strip();
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(":")) {
            entries.add(entry.endsWith(".jar") && signed(Path.of(entry)) ? unsigned(Path.of(entry), dir).toString()
                    : entry);
        }
        Path written = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.writeString(written, String.join(":", entries));
        Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether {@code jar} holds a signature file. */
    static boolean signed(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            return false;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(entry -> SIGNATURE.matcher(entry.getName()).matches());
        }
    }

    /** {@code jar}'s copy in {@code dir} without its signature files (written once, atomically). */
    static Path unsigned(Path jar, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path copy = dir.resolve(jar.getFileName());
        if (Files.isRegularFile(copy)
                && Files.getLastModifiedTime(copy).compareTo(Files.getLastModifiedTime(jar)) >= 0) {
            return copy;
        }
        Path partial = dir.resolve(jar.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try (ZipFile zip = new ZipFile(jar.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(partial))) {
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry entry = all.nextElement();
                if (SIGNATURE.matcher(entry.getName()).matches()) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream in = zip.getInputStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return copy;
    }
}
