package org.sparkrnn.driver.deploy;

import org.junit.jupiter.api.Test;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.cli.Main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where scripts/submit asks for a cluster-mode driver's final state, and how it reads a YARN driver's output and its
 * ResourceManager's address; its own options, and the class it asks spark-submit to run.
 */
class SubmitTest {

    @Test
    void theApplicationItSubmitsIsTheCommandLine() {
        assertEquals(Main.class.getName(), Submit.APPLICATION);
    }

    /** Wrong options end submit before anything starts: exit 2 and one line saying what is wrong. */
    @Test
    void itsOwnOptionsAreCheckedBeforeAnythingStarts() {
        Printed.Output<Integer> unknown = Printed.capture(true, () -> Submit.run("--data", "x.jsonl", "train"));
        assertEquals(2, unknown.value(), unknown.text());
        assertEquals("error: unknown submit option --data (submit's own: --deploy-mode, --master, --spark-conf; put"
                + " lstm-spark's options after --)", unknown.text().strip());
        Printed.Output<Integer> mode = Printed.capture(true, () -> Submit.run("--deploy-mode", "remote", "--",
                "train"));
        assertEquals(2, mode.value(), mode.text());
        assertTrue(mode.text().startsWith("error: Invalid value for option '--deploy-mode'")
                && mode.text().contains("client, cluster"), mode.text());
        Printed.Output<Integer> none = Printed.capture(true, () -> Submit.run("--master", "yarn"));
        assertEquals(2, none.value(), none.text());
        assertTrue(none.text().startsWith("error: Missing required parameter: 'COMMAND'"), none.text());
        Printed.Output<Integer> help = Printed.capture(true, () -> Submit.run("--help"));
        assertEquals(0, help.value(), help.text());
        assertTrue(help.text().contains("--spark-conf=K=V"), help.text());
    }

    @Test
    void theMastersWebUiIsOnTheMastersHost() {
        assertEquals("http://spark-master.example:8080", Submit.masterUi("spark://spark-master.example:7077"));
        assertEquals("http://10.1.2.3:8080", Submit.masterUi("spark://10.1.2.3:7077,10.1.2.4:7077"));
        assertEquals(LocalCluster.masterUi(), Submit.masterUi(LocalCluster.masterUrl()));
    }

    @Test
    void aYarnDriversLogIsPrintedWithoutTheNodeManagersFrame() {
        String served = "Container: container_1_0001_01_000001 on localhost:4000\nLogAggregationType: LOCAL\n"
                + "====\nLogType:stdout\nLogLength:12\nLogContents:\ndone: 40 it\nok\n"
                + "End of LogType:stdout.\n*****\n";
        assertEquals("done: 40 it\nok\n", YarnApplication.contents(served));
        assertEquals("plain\n", YarnApplication.contents("plain\n"));
        assertEquals(java.util.Optional.of("application_1796137331149_0001"),
                YarnApplication.idIn("INFO Client: Submitting application application_1796137331149_0001 to RM"));
    }

    @Test
    void theResourceManagersWebAddressComesFromTheClientConfiguration(@org.junit.jupiter.api.io.TempDir
                                                                     java.nio.file.Path conf) throws Exception {
        java.nio.file.Files.writeString(conf.resolve("yarn-site.xml"), "<configuration><property>"
                + "<name>yarn.resourcemanager.webapp.address</name><value>rm.example:8188</value></property>"
                + "</configuration>");
        assertEquals("http://rm.example:8188", YarnApplication.resourceManagerWeb(conf));
        java.nio.file.Files.writeString(conf.resolve("yarn-site.xml"), "<configuration><property>"
                + "<name>yarn.resourcemanager.hostname</name><value>rm.example</value></property></configuration>");
        assertEquals("http://rm.example:8088", YarnApplication.resourceManagerWeb(conf));
    }
}
