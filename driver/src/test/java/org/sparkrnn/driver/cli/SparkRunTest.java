package org.sparkrnn.driver.cli;

import org.junit.jupiter.api.Test;

import java.util.ConcurrentModificationException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which failures to start Spark the command line starts Spark again after: only Spark's UI start race (a
 * ConcurrentModificationException from SparkUI.attachAllHandlers, seen in YARN client mode), wherever it sits in the
 * chain of causes; never another failure, nor the same exception thrown from elsewhere.
 */
class SparkRunTest {

    @Test
    void onlyTheUiStartRaceIsStartedAgain() {
        ConcurrentModificationException race = new ConcurrentModificationException();
        race.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("java.util.ArrayList$Itr", "checkForComodification", "ArrayList.java", 1095),
            new StackTraceElement("org.sparkproject.jetty.ee10.servlet.ServletHandler", "initialize",
                    "ServletHandler.java", 749),
            new StackTraceElement("org.apache.spark.ui.SparkUI", "attachAllHandlers", "SparkUI.scala", 99),
            new StackTraceElement("org.apache.spark.SparkContext", "<init>", "SparkContext.scala", 688)});
        assertTrue(SparkRun.uiStartRace(race));
        assertTrue(SparkRun.uiStartRace(new IllegalStateException("start failed", new RuntimeException(race))));
        RuntimeException suppressing = new RuntimeException("multi");
        suppressing.addSuppressed(race);
        assertTrue(SparkRun.uiStartRace(suppressing));

        ConcurrentModificationException elsewhere = new ConcurrentModificationException();
        elsewhere.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("org.apache.spark.SparkContext", "<init>", "SparkContext.scala", 600)});
        assertFalse(SparkRun.uiStartRace(elsewhere));
        assertFalse(SparkRun.uiStartRace(new IllegalArgumentException("master must start with yarn, spark, ...")));
    }
}
