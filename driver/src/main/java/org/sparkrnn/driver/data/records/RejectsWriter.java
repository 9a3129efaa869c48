package org.sparkrnn.driver.data.records;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.UserError;

import java.io.IOException;

/**
 * The records a load skipped ({@code --on-bad-record skip}): counted, written with their problem to a directory
 * (one {@code "problem TAB record"} line each) when one is given, and reported once through the {@link Reporter}.
 */
public final class RejectsWriter {

    private final Configuration hadoop;
    private final Reporter reporter;
    private long total;

    public RejectsWriter(Configuration hadoop, Reporter reporter) {
        this.hadoop = hadoop;
        this.reporter = reporter;
    }

    /** Counts {@code rejects}, writes them to {@code path} (replacing it) when not null, and says so. */
    public void write(JavaRDD<String> rejects, String path) {
        rejects.context().setJobDescription("load: rejected records");
        JavaRDD<String> cached = rejects.persist(StorageLevel.MEMORY_AND_DISK());
        long count = cached.count();
        if (count > 0) {
            String first = cached.first();
            String where = "";
            if (path != null) {
                try {
                    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(path);
                    target.getFileSystem(hadoop).delete(target, true);
                } catch (IOException e) {
                    throw new UserError("cannot replace " + path + ": " + e.getMessage());
                }
                cached.coalesce(1).saveAsTextFile(path);
                where = ", written to " + path;
            }
            reporter.warning("skipped " + count + " bad record(s)" + where + "; the first: "
                    + first.substring(0, first.indexOf('\t')));
        }
        total += count;
        cached.unpersist(false);
    }

    /** Records skipped so far. */
    public long total() {
        return total;
    }
}
