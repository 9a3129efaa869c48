package org.sparkrnn.driver.data.files;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

import java.util.Collections;
import java.util.List;

/**
 * Text files as the executors read them, line by line (JSON Lines for training and prediction, compressed text):
 * input splits keyed by byte position, and how many lines each split holds.
 */
public final class TextSplits {

    private TextSplits() {
    }

    /**
     * A file's lines keyed by position, in about {@code splits} input splits. A compressed file (any codec Hadoop
     * knows: .gz, .bz2, .zst, ...) is decompressed and read as one split, so that a line's number is its index.
     */
    static JavaRDD<Tuple2<LongWritable, Text>> lines(JavaSparkContext sc, String file, int splits) {
        Configuration hadoop = sc.hadoopConfiguration();
        if (new CompressionCodecFactory(hadoop).getCodec(new Path(file)) == null) {
            return sc.hadoopFile(file, TextInputFormat.class, LongWritable.class, Text.class, splits).rdd()
                    .toJavaRDD();
        }
        JobConf whole = new JobConf(hadoop);
        FileInputFormat.setInputPaths(whole, new Path(file));
        whole.setLong(org.apache.hadoop.mapreduce.lib.input.FileInputFormat.SPLIT_MINSIZE, Long.MAX_VALUE);
        return sc.hadoopRDD(whole, TextInputFormat.class, LongWritable.class, Text.class, 1).rdd().toJavaRDD();
    }

    /**
     * The number of lines in each split of {@code files} (file by file, split by split), blank ones counted or not:
     * one job that reads but does not parse.
     */
    static long[] countsPerSplit(JavaSparkContext sc, List<JavaRDD<Tuple2<LongWritable, Text>>> files,
                                 boolean countBlank, String description) {
        JavaRDD<Tuple2<LongWritable, Text>> all = files.get(0);
        for (int f = 1; f < files.size(); f++) {
            all = all.union(files.get(f));
        }
        sc.setJobDescription(description);
        List<Long> counts = all.mapPartitions(part -> {
            long n = 0;
            while (part.hasNext()) {
                Text line = part.next()._2();
                n += countBlank || !blank(line.getBytes(), line.getLength()) ? 1 : 0;
            }
            return Collections.singletonList(n).iterator();
        }, true).collect();
        return counts.stream().mapToLong(Long::longValue).toArray();
    }

    /** Whether a line's UTF-8 bytes (the first {@code length}) are only spaces, tabs or a carriage return. */
    static boolean blank(byte[] utf8, int length) {
        for (int i = 0; i < length; i++) {
            if (utf8[i] != ' ' && utf8[i] != '\t' && utf8[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Whether a line's UTF-8 bytes start with the byte-order mark (EF BB BF). */
    static boolean startsWithBom(byte[] utf8, int length) {
        return length >= 3 && (utf8[0] & 0xff) == 0xEF && (utf8[1] & 0xff) == 0xBB && (utf8[2] & 0xff) == 0xBF;
    }
}
