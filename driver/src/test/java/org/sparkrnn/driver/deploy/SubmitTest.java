package org.sparkrnn.driver.deploy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Where scripts/submit asks for a cluster-mode driver's final state, and how it reads a YARN driver's output and its
 * ResourceManager's address.
 */
class SubmitTest {

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
