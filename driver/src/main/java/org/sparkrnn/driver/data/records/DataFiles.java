package org.sparkrnn.driver.data.records;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.sparkrnn.driver.UserError;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Resolving a user's data path (file, directory or glob; local or any Hadoop URI) to its files, on the driver. */
public final class DataFiles {

    private DataFiles() {
    }

    /**
     * Refuses a path (file, directory or glob) that names nothing, with {@link #list}'s message: the check a command
     * makes before Spark starts, without opening the files.
     */
    public static void checkExists(Configuration conf, String location) {
        try {
            Path path = new Path(location);
            FileStatus[] matches = path.getFileSystem(conf).globStatus(path);
            if (matches == null || matches.length == 0) {
                throw new UserError(location + NO_SUCH_FILE);
            }
        } catch (IOException e) {
            throw new UserError(location + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static final String NO_SUCH_FILE = ": no such file or directory";

    /** The data files a path names, sorted; hidden files (., _) are skipped as Spark does. */
    public static List<String> list(Configuration conf, String location) {
        try {
            Path path = new Path(location);
            FileSystem fs = path.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                throw new UserError(location + NO_SUCH_FILE);
            }
            List<String> files = new ArrayList<>();
            if (matches.length == 1 && matches[0].isFile()) {
                files.add(location); // as the user wrote it: error messages name it that way
            } else {
                for (FileStatus match : matches) {
                    if (match.isDirectory()) {
                        for (FileStatus child : fs.listStatus(match.getPath())) {
                            if (child.isFile() && !hidden(child.getPath())) {
                                files.add(readable(child.getPath()));
                            }
                        }
                    } else if (!hidden(match.getPath())) {
                        files.add(readable(match.getPath()));
                    }
                }
            }
            if (files.isEmpty()) {
                throw new UserError(location + ": no data file there");
            }
            for (String file : files) {
                try (var in = open(conf, file)) {
                    in.read(); // fail now, with the path, if it cannot be read (or decompressed)
                }
            }
            String[] sorted = files.toArray(new String[0]);
            Arrays.sort(sorted);
            return List.of(sorted);
        } catch (IOException e) {
            throw new UserError(location + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * A file's bytes as they were written: decompressed when its name says it is compressed (any codec Hadoop knows:
     * .gz, .bz2, .zst, .deflate, ...), as Spark's and Hadoop's text readers do.
     */
    public static InputStream open(Configuration conf, String file) throws IOException {
        Path path = new Path(file);
        InputStream raw = path.getFileSystem(conf).open(path);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
        try {
            return codec == null ? raw : codec.createInputStream(raw);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw new IOException("cannot decompress (" + e.getMessage() + ")", e);
        }
    }

    /** A reader of a text file's lines: decompressed, UTF-8, a byte-order mark at its start skipped. */
    public static BufferedReader reader(Configuration conf, String file) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(open(conf, file), StandardCharsets.UTF_8));
        reader.mark(1);
        if (reader.read() != BOM) {
            reader.reset();
        }
        return reader;
    }

    /** U+FEFF, the byte-order mark some editors put at the start of UTF-8 files; never data. */
    public static final char BOM = '\uFEFF';

    /** The first non-blank line of a file with its 1-based line number, or null when the file has none. */
    public static Line firstRecord(Configuration conf, String file) {
        try (BufferedReader reader = reader(conf, file)) {
            long number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (!line.isBlank()) {
                    return new Line(number, line);
                }
            }
            return null;
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Every line of a (small) file, in order. */
    public static List<String> readLines(Configuration conf, String file) {
        try (BufferedReader reader = reader(conf, file)) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The size of each file, in bytes. */
    public static long[] sizes(Configuration conf, List<String> files) {
        long[] sizes = new long[files.size()];
        try {
            for (int f = 0; f < sizes.length; f++) {
                Path path = new Path(files.get(f));
                sizes[f] = path.getFileSystem(conf).getFileStatus(path).getLen();
            }
        } catch (IOException e) {
            throw new UserError("cannot read the size of the data files (" + e.getMessage() + ")", e);
        }
        return sizes;
    }

    /** A line of a file and its 1-based number. */
    public record Line(long number, String text) {
    }

    /** A local file as a plain path, anything else as its full URI. */
    private static String readable(Path path) {
        return "file".equals(path.toUri().getScheme()) ? path.toUri().getPath() : path.toString();
    }

    private static boolean hidden(Path path) {
        String name = path.getName();
        return name.startsWith(".") || name.startsWith("_");
    }
}
