package org.sparkrnn.driver.predict;

import org.apache.spark.SparkContext;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.state.StateStore$;
import org.apache.spark.sql.streaming.StreamingQuery;

import java.time.Duration;

/**
 * Ends a streaming query so that nothing writes into its checkpoint any more, which {@code StreamingQuery.stop()}
 * alone does not promise: it returns once the query's own thread has ended, but the tasks it cancelled end on their
 * executors a little later (a cancelled state-store task still aborts its files), and Spark's state-store maintenance
 * keeps each loaded store of the query in this JVM and may write a snapshot into the checkpoint or delete old files
 * there until the store is unloaded. So: stop the query, wait for its termination, wait until the context runs no
 * task, then, when no other streaming query runs in this JVM (whatever its session), unload the state stores this
 * JVM holds and wait for any maintenance in progress to finish. Only then may the checkpoint be deleted or moved.
 *
 * <p>In local mode the state stores live in this JVM; on a cluster they live on the executors, whose maintenance
 * ends with the application (executors hold a stopped query's stores until their maintenance finds it inactive).
 * Unloading uses Spark's {@code StateStore.unloadAll()}, present in 3.5 and 4.x: it closes every store of this JVM,
 * which a later query loads again from its checkpoint (no state is lost), and it is called only when no query is
 * active and no task runs.
 */
public final class QueryShutdown {

    /** How long to wait for cancelled tasks to end before giving up (they normally take milliseconds). */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    private QueryShutdown() {
    }

    /**
     * Stops {@code query} (if it still runs) and returns once nothing of it writes into its checkpoint any more (see
     * the class comment). A query that failed stays failed: its exception is left to {@code query.exception()}.
     */
    public static void stop(StreamingQuery query) {
        try {
            query.stop();
        } catch (Exception e) {
            // the query had failed or was being stopped: it has terminated either way; what remains is below
        }
        SparkSession spark = query.sparkSession();
        awaitNoRunningTasks(spark.sparkContext(), PATIENCE);
        if (runningQueries().isEmpty()) {
            releaseStateStores(PATIENCE);
        }
    }

    /**
     * The streaming queries running in this JVM, whatever their session, by the name of their thread (Spark's
     * {@code stream execution thread for [id = ..., runId = ...]}, the same in 3.5 and 4.x); a query that has
     * stopped has no thread any more.
     */
    public static java.util.List<String> runningQueries() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(QUERY_THREAD)).sorted().toList();
    }

    private static final String QUERY_THREAD = "stream execution thread for ";

    /**
     * Unloads every state store of this JVM and waits, at most {@code patience}, until no thread still runs Spark's
     * maintenance of one (a snapshot being written, old files deleted); false if one still did. Call it only when no
     * query runs in this JVM: a later query loads its stores again from its checkpoint.
     *
     * <p>Not {@code StateStore.stop()}: on Spark 4 it waits for the maintenance pool while holding the lock that a
     * maintenance thread unloading a stopped query's store needs, so it hung for the pool's shutdown timeouts
     * (measured: 366 s). {@code unloadAll} closes the stores under that lock without waiting on the pool.
     */
    public static boolean releaseStateStores(Duration patience) {
        StateStore$.MODULE$.unloadAll();
        return await(() -> !maintenanceInProgress(), patience);
    }

    /** A thread of this JVM runs state-store maintenance now (Spark's {@code doMaintenance} on its stack). */
    private static boolean maintenanceInProgress() {
        return threadsRunning(frame -> frame.getMethodName().startsWith("doMaintenance")
                && frame.getClassName().startsWith(STATE_PACKAGE)) > 0;
    }

    private static final String STATE_PACKAGE = "org.apache.spark.sql.execution.streaming.state.";

    /**
     * Waits until no task runs in this JVM (local mode: the executor is this JVM; a stopped context's cancelled
     * tasks may still be running too) and {@code sc}, unless stopped, reports none on its executors, at most
     * {@code patience}; false if some still ran then.
     *
     * <p>Both are needed: Spark's status tracker counts a task from its listener events, which arrive late (a task
     * can run before it is counted) and treat a cancelled task as ended before its thread is (measured: two tasks of
     * a stopped query's last micro-batch still running, and writing its state, while the tracker said none). A
     * thread runs a task while Spark's {@code Executor$TaskRunner.run} is on its stack.
     */
    public static boolean awaitNoRunningTasks(SparkContext sc, Duration patience) {
        return await(() -> localTaskThreads() == 0 && (sc.isStopped() || runningTasks(sc) == 0), patience);
    }

    /** Waits until no thread of this JVM runs a Spark task, at most {@code patience}; false if one still did. */
    public static boolean awaitNoLocalTasks(Duration patience) {
        return await(() -> localTaskThreads() == 0, patience);
    }

    private static boolean await(java.util.function.BooleanSupplier done, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Threads of this JVM that run a Spark task now. */
    static int localTaskThreads() {
        return threadsRunning(frame -> frame.getClassName().equals(TASK_RUNNER) && frame.getMethodName().equals("run"));
    }

    /** How many threads of this JVM have a frame that {@code frame} accepts on their stack now. */
    private static int threadsRunning(java.util.function.Predicate<StackTraceElement> frame) {
        int running = 0;
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            if (java.util.Arrays.stream(stack).anyMatch(frame)) {
                running++;
            }
        }
        return running;
    }

    private static final String TASK_RUNNER = "org.apache.spark.executor.Executor$TaskRunner";

    private static int runningTasks(SparkContext sc) {
        int running = 0;
        for (SparkExecutorInfo executor : sc.statusTracker().getExecutorInfos()) {
            running += executor.numRunningTasks();
        }
        return running;
    }
}
