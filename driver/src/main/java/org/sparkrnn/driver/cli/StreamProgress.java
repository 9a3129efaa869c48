package org.sparkrnn.driver.cli;

import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.sparkrnn.driver.model.FileStore;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code lstm-spark stream} says as its query runs: a line per micro-batch that read rows (rows in, time taken,
 * forecasts and late rows so far), each rejected row, and one closing line when it stops (Ctrl-C, the end of
 * {@code available-now}). "So far" counts from the checkpoint's first run: the totals are kept beside the checkpoint
 * ({@link #COUNTS}, written after each micro-batch Spark has committed), so a query started again counts on, as
 * Spark's batch numbers go on. A micro-batch cut short by a stop is not counted (Spark runs it again on restart).
 */
final class StreamProgress extends StreamingQueryListener {

    /** The file beside Spark's own in the checkpoint directory that keeps the totals. */
    static final String COUNTS = "sparkrnn-stream-counts.properties";

    /** How long the closing line waits for Spark to report the query's last micro-batch. */
    private static final long LAST_REPORT_MILLIS = 10_000;

    private final LongAccumulator late;
    private final LongAccumulator made;
    private final CollectionAccumulator<String> rejected;
    private final FileStore files;
    private final String countsFile;
    private final PrintStream out;
    private final Totals before;
    private final long started = System.nanoTime();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile java.util.UUID queryId;
    /** This run's totals as of the last micro-batch reported (read by the closing line, from another thread). */
    private volatile Totals thisRun = Totals.NONE;

    /** The processing-time trigger's interval in milliseconds, or 0 (available-now). */
    private final long triggerMillis;

    /**
     * @param checkpoint    the query's checkpoint directory (its totals are read from and written there), or null
     * @param triggerMillis the processing-time trigger's interval, or 0: a micro-batch that takes longer is said
     *                      (Spark's own warning is quieted)
     */
    StreamProgress(LongAccumulator late, LongAccumulator made, CollectionAccumulator<String> rejected, FileStore files,
                   String checkpoint, long triggerMillis, PrintStream out) throws IOException {
        this.triggerMillis = triggerMillis;
        this.late = late;
        this.made = made;
        this.rejected = rejected;
        this.files = files;
        this.countsFile = checkpoint == null ? null : FileStore.join(checkpoint, COUNTS);
        this.out = out;
        this.before = countsFile != null && files.exists(countsFile)
                ? Totals.parse(new String(files.read(countsFile), StandardCharsets.UTF_8), countsFile) : Totals.NONE;
    }

    /** The totals of the checkpoint's earlier runs (none for a new checkpoint). */
    Totals before() {
        return before;
    }

    /** Reports the micro-batches of this query only. */
    void follow(java.util.UUID id) {
        this.queryId = id;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        var progress = event.progress();
        if (!progress.id().equals(queryId) || progress.numInputRows() == 0) {
            return;
        }
        List<String> problems = rejected == null ? List.of() : rejected.value();
        if (rejected != null) {
            rejected.reset(); // each rejected row is said once (on the driver, between micro-batches)
        }
        Totals run = thisRun;
        thisRun = new Totals(progress.batchId(), run.batches + 1, run.rows + progress.numInputRows(), made.value(),
                late.value(), run.rejected + problems.size());
        Totals sum = before.plus(thisRun);
        // the totals first: a Ctrl-C right after the line still finds them kept
        if (countsFile != null) {
            try {
                files.writeAtomically(countsFile, sum.format().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.println("warning: cannot keep the totals in " + countsFile + " (" + e.getMessage() + "); a"
                        + " restart counts from 0");
            }
        }
        out.printf(Locale.ROOT, "batch %d: %d rows in, %.2f s; so far %d forecasts, %d late rows%n",
                progress.batchId(), progress.numInputRows(), progress.batchDuration() / 1000.0, sum.forecasts,
                sum.late);
        if (triggerMillis > 0 && progress.batchDuration() > triggerMillis) {
            out.printf(Locale.ROOT, "note: batch %d took longer than the trigger's %.1f s: the stream falls behind"
                    + " (a longer --trigger, or more executors)%n", progress.batchId(), triggerMillis / 1000.0);
        }
        for (String problem : problems) {
            out.println("rejected: " + problem);
        }
        if (!problems.isEmpty()) {
            out.printf("%d rows rejected so far%n", sum.rejected);
        }
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
        if (event.id().equals(queryId)) {
            terminated.countDown();
        }
    }

    /**
     * The closing line, once (from the thread that ends the query, or from the shutdown hook of a Ctrl-C), after
     * Spark has reported the query's last micro-batch: this run's batches, rows, forecasts, late and rejected rows,
     * and its time, then the totals since the checkpoint's first run when there were earlier runs.
     */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            terminated.await(LAST_REPORT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Totals run = thisRun;
        String line = String.format(Locale.ROOT, "stopped after %.1f s: %s", (System.nanoTime() - started) / 1e9,
                run.describe());
        if (before.batches > 0) {
            line += "; since the checkpoint's first run: " + before.plus(run).describe();
        }
        out.println(line);
        out.flush();
    }

    /** Counts of micro-batches that read rows, and of what they read and gave. */
    record Totals(long lastBatch, long batches, long rows, long forecasts, long late, long rejected) {

        static final Totals NONE = new Totals(-1, 0, 0, 0, 0, 0);

        Totals plus(Totals later) {
            return new Totals(Math.max(lastBatch, later.lastBatch), batches + later.batches, rows + later.rows,
                    forecasts + later.forecasts, late + later.late, rejected + later.rejected);
        }

        String describe() {
            return String.format(Locale.ROOT, "%d micro-batch%s, %d rows in, %d forecasts, %d late rows, %d rejected",
                    batches, batches == 1 ? "" : "es", rows, forecasts, late, rejected);
        }

        String format() {
            return "# lstm-spark stream: totals of this checkpoint's micro-batches so far\n"
                    + "batch = " + lastBatch + "\nbatches = " + batches + "\nrows = " + rows + "\nforecasts = "
                    + forecasts + "\nlate = " + late + "\nrejected = " + rejected + "\n";
        }

        static Totals parse(String text, String file) {
            Properties p = new Properties();
            try {
                p.load(new StringReader(text));
                return new Totals(Long.parseLong(p.getProperty("batch").trim()),
                        Long.parseLong(p.getProperty("batches").trim()), Long.parseLong(p.getProperty("rows").trim()),
                        Long.parseLong(p.getProperty("forecasts").trim()),
                        Long.parseLong(p.getProperty("late").trim()),
                        Long.parseLong(p.getProperty("rejected").trim()));
            } catch (IOException | RuntimeException e) {
                throw new org.sparkrnn.driver.UserError(file + ": not the totals lstm-spark stream keeps there ("
                        + e.getMessage() + "); delete it to count from 0");
            }
        }
    }
}
