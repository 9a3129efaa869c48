package org.sparkrnn.driver.deploy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where scripts/submit asks for a cluster-mode driver's final state. */
class SubmitTest {

    @Test
    void theMastersWebUiIsOnTheMastersHost() {
        assertEquals("http://spark-master.example:8080", Submit.masterUi("spark://spark-master.example:7077"));
        assertEquals("http://10.1.2.3:8080", Submit.masterUi("spark://10.1.2.3:7077,10.1.2.4:7077"));
        assertEquals(LocalCluster.masterUi(), Submit.masterUi(LocalCluster.masterUrl()));
    }
}
