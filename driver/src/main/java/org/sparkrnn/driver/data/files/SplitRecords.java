package org.sparkrnn.driver.data.files;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import scala.Tuple2;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The records of one input split of a text file, as the executors read them: each non-blank line's UTF-8 bytes (a
 * byte-order mark at the start of the file dropped), and the line's number in its file, worked out only when asked
 * (a bad record to report). The one loop over a split's lines that training and prediction share.
 */
final class SplitRecords {

    private final Iterator<Tuple2<LongWritable, Text>> lines;
    private final String file;
    private long firstLine;          // the number of the split's first line; -1 until worked out
    private long firstPosition = -1; // the byte position of the split's first line
    private long index = -1;         // lines of this split so far, blank ones too
    private byte[] bytes;
    private int length;

    /** @param firstLine the number of the split's first line when known (else -1: worked out on demand) */
    SplitRecords(Iterator<Tuple2<LongWritable, Text>> lines, String file, long firstLine) {
        this.lines = lines;
        this.file = file;
        this.firstLine = firstLine;
    }

    /** Moves to the next non-blank line; false at the end of the split. */
    boolean next() {
        while (lines.hasNext()) {
            Tuple2<LongWritable, Text> line = lines.next();
            index++;
            long position = line._1().get();
            if (firstPosition < 0) {
                firstPosition = position;
            }
            bytes = line._2().getBytes(); // reused by the reader: used before the next line is read
            length = line._2().getLength();
            if (position == 0 && TextSplits.startsWithBom(bytes, length)) {
                bytes = Arrays.copyOfRange(bytes, 3, length);
                length -= 3;
            }
            if (!TextSplits.blank(bytes, length)) {
                return true;
            }
        }
        return false;
    }

    /** The current record's UTF-8 bytes (the first {@link #length()} of them). */
    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    /** The 1-based number of the current line in its file, or -1 when the file cannot be read again. */
    long lineNumber() {
        if (firstLine < 0) {
            firstLine = lineNumberAt(file, firstPosition);
        }
        return firstLine < 0 ? -1 : firstLine + index;
    }

    /** The 1-based number of the line starting at byte {@code position} of {@code file} (read only on an error). */
    private static long lineNumberAt(String file, long position) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
        try (var in = new BufferedInputStream(path.getFileSystem(new Configuration()).open(path), 1 << 16)) {
            long line = 1;
            for (long i = 0; i < position; i++) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                line += b == '\n' ? 1 : 0;
            }
            return line;
        } catch (IOException e) {
            return -1;
        }
    }
}
