package org.sparkrnn.driver;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sparkrnn.driver.predict.QueryShutdown;

import java.util.List;

/**
 * After every test method and class (registered for all of them through {@code junit-platform.properties}), and so
 * before JUnit deletes their {@code @TempDir}s: no streaming query left running (a test that forgets to stop one
 * fails here, by name), no task still running in the shared context (tasks cancelled by a failed job or a stopped
 * query end a little after the call that cancelled them returns), and no state store loaded in this JVM (Spark's
 * state-store maintenance would otherwise go on writing snapshots into, and deleting old files from, a stopped
 * query's checkpoint). The same steps as {@link QueryShutdown#stop}, which the product uses on its own queries.
 */
public final class NothingLeftRunning implements AfterEachCallback, AfterAllCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        settle(context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        settle(context.getDisplayName());
    }

    private static void settle(String test) {
        // a query that ended (available-now, stopped, failed) has said so just before its thread ends
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        List<String> queries = QueryShutdown.runningQueries();
        while (!queries.isEmpty() && System.nanoTime() < deadline) {
            sleep();
            queries = QueryShutdown.runningQueries();
        }
        if (!queries.isEmpty()) {
            throw new AssertionError(test + " left streaming queries running (stop them with QueryShutdown.stop): "
                    + queries);
        }
        // tasks of this JVM (those of a context a command line started and stopped too), and the shared context's
        SharedSpark.ifRunning(sc -> {
            if (!QueryShutdown.awaitNoRunningTasks(sc.sc(), QueryShutdown.PATIENCE)) {
                throw new AssertionError(test + ": tasks still running " + QueryShutdown.PATIENCE + " after it");
            }
        });
        if (!QueryShutdown.awaitNoLocalTasks(QueryShutdown.PATIENCE)) {
            throw new AssertionError(test + ": tasks still running " + QueryShutdown.PATIENCE + " after it");
        }
        if (!QueryShutdown.releaseStateStores(QueryShutdown.PATIENCE)) {
            throw new AssertionError(test + ": state-store maintenance still running " + QueryShutdown.PATIENCE
                    + " after it");
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
