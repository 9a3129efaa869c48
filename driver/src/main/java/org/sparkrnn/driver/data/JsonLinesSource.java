package org.sparkrnn.driver.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparkrnn.data.ParsedBlock;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import scala.Tuple2;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * JSON Lines straight into blocks: every input split of the files (about P of them, each file's share by size;
 * a compressed file is decompressed and is one split) is read once, each line's UTF-8 bytes handed to the parser
 * without decoding to a string, into the training and held-out blocks of its partition and, with
 * {@code --on-bad-record skip}, the rejected lines with their problem: no object per record, no shuffle, no second
 * parse. The hold-out is decided per record (random: a seeded hash of its content; tail: the last records in file
 * order, counted in one extra reading pass). A byte-order mark at the start of a file is skipped. A bad line's number
 * is only worked out when there is one to report.
 */
final class JsonLinesSource {

    private final JavaSparkContext sc;
    private final Configuration hadoop;
    private final RejectsWriter rejects;

    JsonLinesSource(JavaSparkContext sc, RejectsWriter rejects) {
        this.sc = sc;
        this.hadoop = sc.hadoopConfiguration();
        this.rejects = rejects;
    }

    SourceBlocks read(DataOptions options, String path, DatasetLoader.Context context, boolean requireLabels,
                      boolean holdOut) {
        List<String> files = DataFiles.list(hadoop, path);
        RecordShape shape = shape(options, path, files, context, requireLabels);
        long[] sizes = DataFiles.sizes(hadoop, files);
        long totalBytes = Arrays.stream(sizes).sum();
        int partitions = Partitioning.partitions(sc, options, totalBytes);
        List<JavaRDD<Tuple2<LongWritable, Text>>> lines = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            int splits = (int) Math.max(1, Math.round((double) partitions * sizes[f] / Math.max(1, totalBytes)));
            lines.add(TextSplits.lines(sc, files.get(f), splits));
        }
        HoldOut rule = holdOut ? Partitioning.holdOut(options) : null;
        long[] firstRecord = null; // tail hold-out: the global index of each input split's first record
        if (rule != null && rule.tail()) {
            firstRecord = recordOffsets(lines);
            rule = new HoldOut(rule.fraction(), true, rule.seed(), firstRecord[firstRecord.length - 1]);
        }
        boolean skip = options.skipBadRecords();
        JavaRDD<ParsedBlock> parsed = null;
        int firstPartition = 0;
        for (int f = 0; f < files.size(); f++) {
            String file = files.get(f);
            JsonLinesParser parser = new JsonLinesParser(file, shape);
            HoldOut heldOut = rule;
            long[] offsets = firstRecord;
            int first = firstPartition;
            JavaRDD<ParsedBlock> blocks = lines.get(f).mapPartitionsWithIndex((split, part) -> parseBlock(part,
                    file, parser, shape, heldOut, offsets == null ? -1 : offsets[first + split], skip), true);
            parsed = parsed == null ? blocks : parsed.union(blocks);
            firstPartition += lines.get(f).getNumPartitions();
        }
        if (parsed.getNumPartitions() > partitions) {
            // more splits than wanted (many small files): merge neighbouring blocks without a shuffle
            parsed = parsed.coalesce(partitions).mapPartitions(Blocks::merge, true);
        }
        JavaRDD<ParsedBlock> cached = parsed.persist(StorageLevel.MEMORY_AND_DISK());
        if (skip) {
            rejects.write(cached.flatMap(block -> block.rejects().iterator()), options.rejectsPath());
        }
        return SourceBlocks.of(cached, rule != null, shape);
    }

    /** For a tail hold-out: the number of records before each input split, and the total at the end. */
    private long[] recordOffsets(List<JavaRDD<Tuple2<LongWritable, Text>>> lines) {
        long[] counts = TextSplits.countsPerSplit(sc, lines, false, "load: counting records for the tail hold-out");
        long[] offsets = new long[counts.length + 1];
        for (int i = 0; i < counts.length; i++) {
            offsets[i + 1] = offsets[i] + counts[i];
        }
        return offsets;
    }

    /**
     * One input split parsed into its training and held-out blocks; bad records stop it unless skipped. A record is
     * held out by its content (random: a seeded hash of its text, so neither line endings, compression nor splits
     * change the choice) or by its index in the data (tail: {@code firstRecord} is this split's first).
     */
    private static Iterator<ParsedBlock> parseBlock(Iterator<Tuple2<LongWritable, Text>> lines, String file,
                                                    JsonLinesParser parser, RecordShape shape, HoldOut holdOut,
                                                    long firstRecord, boolean skip) {
        SequenceBatch.Builder train = Blocks.builderFor(shape);
        SequenceBatch.Builder validation = Blocks.builderFor(shape);
        List<String> rejected = new ArrayList<>();
        long firstPosition = -1;
        long firstLine = -1; // the line number of the split's first line, worked out at its first bad record
        long index = -1;     // lines (blank ones too) of this split so far
        long records = 0;    // non-blank lines of this split so far
        while (lines.hasNext()) {
            Tuple2<LongWritable, Text> line = lines.next();
            index++;
            long position = line._1().get();
            if (firstPosition < 0) {
                firstPosition = position;
            }
            byte[] utf8 = line._2().getBytes(); // reused by the reader: parsed before the next line is read
            int length = line._2().getLength();
            if (position == 0 && TextSplits.startsWithBom(utf8, length)) {
                utf8 = Arrays.copyOfRange(utf8, 3, length);
                length -= 3;
            }
            if (TextSplits.blank(utf8, length)) {
                continue;
            }
            long record = firstRecord >= 0 ? firstRecord + records : contentKey(utf8, length);
            records++;
            SequenceBatch.Builder into = holdOut != null && holdOut.isValidation(record) ? validation : train;
            try {
                parser.parseInto(utf8, length, into);
            } catch (DataFormatError e) {
                if (firstLine < 0) {
                    firstLine = lineNumberAt(file, firstPosition);
                }
                DataFormatError located = e.atLine(firstLine < 0 ? -1 : firstLine + index);
                if (!skip) {
                    throw located;
                }
                rejected.add(located.getMessage() + "\t" + new String(utf8, 0, length, StandardCharsets.UTF_8));
            }
        }
        return Collections.singletonList(new ParsedBlock(train.build(), validation.build(), rejected)).iterator();
    }

    /** A 64-bit hash of a record's text without trailing white space (so CRLF and LF lines hash alike). */
    static long contentKey(byte[] utf8, int length) {
        int end = length;
        while (end > 0 && (utf8[end - 1] == '\r' || utf8[end - 1] == ' ' || utf8[end - 1] == '\t')) {
            end--;
        }
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < end; i++) {
            hash = (hash ^ (utf8[i] & 0xff)) * 0x100000001b3L;
        }
        return hash;
    }

    /** The 1-based number of the line starting at byte {@code position} of {@code file} (read only on an error). */
    static long lineNumberAt(String file, long position) {
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

    /** The shape a saved model fixes, or the one the first record shows (checked against the model's). */
    private RecordShape shape(DataOptions options, String path, List<String> files, DatasetLoader.Context context,
                              boolean requireLabels) {
        RecordShape shape = context.shape();
        if (shape != null && requireLabels) {
            return shape;
        }
        DataFiles.Line first = null;
        String firstFile = null;
        for (String file : files) {
            first = DataFiles.firstRecord(hadoop, file);
            if (first != null) {
                firstFile = file;
                break;
            }
        }
        if (first == null) {
            throw new UserError(path + ": the data set is empty (no record in " + files.size() + " file(s))");
        }
        RecordShape inferred = JsonLinesParser.inferShape(firstFile, first.number(), first.text(),
                options.classification(), options.classes(), requireLabels);
        if (shape != null && inferred.inputSize() != shape.inputSize()) {
            throw new DataFormatError(firstFile, first.number(), "steps have " + inferred.inputSize()
                    + " features, the model expects " + shape.inputSize());
        }
        return inferred;
    }
}
