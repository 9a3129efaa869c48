package org.sparkrnn.driver.data.files;

import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.data.records.DataFiles;
import org.sparkrnn.driver.data.records.NumberedSequences;
import org.sparkrnn.driver.data.records.Partitioning;
import org.sparkrnn.driver.data.records.ReadContext;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.Vocabulary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Text as characters: the vocabulary is built on the cluster (or taken from a saved model), each sequence is
 * {@code --window T} characters labelled with the next character at every step, numbered in file order. Compressed
 * files are decompressed; a byte-order mark at the start of a file is skipped.
 */
public final class TextSource {

    private final JavaSparkContext sc;

    public TextSource(JavaSparkContext sc) {
        this.sc = sc;
    }

    public NumberedSequences read(DataOptions options, String path, ReadContext context) {
        List<String> files = DataFiles.list(sc.hadoopConfiguration(), path);
        JavaRDD<String> texts = null;
        for (String file : files) {
            JavaRDD<String> text = text(file);
            texts = texts == null ? text : texts.union(text);
        }
        texts = texts.map(TextSource::withoutBom).persist(StorageLevel.MEMORY_AND_DISK());
        Vocabulary vocabulary = context.vocabulary();
        if (vocabulary == null) {
            sc.setJobDescription("load: vocabulary");
            String symbols = texts.map(TextSource::distinctChars).reduce((a, b) -> distinctChars(a + b));
            vocabulary = Vocabulary.of(symbols);
            if (vocabulary.size() < 2) {
                throw new UserError(path + ": the text has fewer than 2 distinct characters");
            }
        }
        Vocabulary vocab = vocabulary;
        int window = options.columnWindows().window();
        JavaRDD<SequenceBatch> windows = texts.flatMap(text -> windows(text, vocab, window).iterator())
                .persist(Partitioning.INTERMEDIATE);
        RecordShape shape = new RecordShape(vocab.size(), true, LabelShape.PER_STEP, LabelKind.CLASSES, 1,
                vocab.size());
        NumberedSequences numbered = new NumberedSequences(Partitioning.number(windows), windows, shape, vocab,
                Partitioning.holdOut(options),
                Arrays.stream(DataFiles.sizes(sc.hadoopConfiguration(), files)).sum());
        texts.unpersist(false);
        return numbered;
    }

    /**
     * One file's text as one string (one partition): as it is, or decompressed (any codec Hadoop knows: .gz, .bz2,
     * .zst, ...) with its lines joined by newlines.
     */
    private JavaRDD<String> text(String file) {
        if (new CompressionCodecFactory(sc.hadoopConfiguration()).getCodec(new Path(file)) == null) {
            return sc.wholeTextFiles(file, 1).values();
        }
        return TextSplits.lines(sc, file, 1)
                .mapPartitions(lines -> {
                    StringBuilder text = new StringBuilder();
                    lines.forEachRemaining(line -> text.append(line._2().toString()).append('\n'));
                    return Collections.singletonList(text.toString()).iterator();
                });
    }

    private static String withoutBom(String text) {
        return !text.isEmpty() && text.charAt(0) == DataFiles.BOM ? text.substring(1) : text;
    }

    /** Windows of T characters, each step labelled with the next character; consecutive windows overlap by one. */
    static List<SequenceBatch> windows(String text, Vocabulary vocabulary, int window) {
        int[] ids = encodeKnown(text, vocabulary);
        List<SequenceBatch> windows = new ArrayList<>();
        for (int start = 0; start + 1 < ids.length; start += window) {
            int length = Math.min(window, ids.length - 1 - start);
            int[] inputs = Arrays.copyOfRange(ids, start, start + length);
            int[] next = Arrays.copyOfRange(ids, start + 1, start + length + 1);
            windows.add(SequenceBatch.tokenBuilder(vocabulary.size(), LabelShape.PER_STEP, LabelKind.CLASSES, 1)
                    .addTokensPerStep(inputs, next).build());
        }
        return windows;
    }

    /** Text as ids, dropping characters the vocabulary lacks (text read with a saved model's vocabulary). */
    private static int[] encodeKnown(String text, Vocabulary vocabulary) {
        int[] ids = new int[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            int id = vocabulary.idOf(text.charAt(i));
            if (id >= 0) {
                ids[n++] = id;
            }
        }
        return Arrays.copyOf(ids, n);
    }

    private static String distinctChars(String text) {
        return text.chars().distinct().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append).toString();
    }
}
