package org.sparkrnn.driver.deploy;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.SparkRnnKryoRegistrator;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.cli.TrainCommand;
import org.sparkrnn.driver.train.Trainer;

import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Spark's multi-process test mode, {@code local-cluster[2,1,1024]}: two executor JVMs separate from the driver, so
 * every task, broadcast and result crosses a real process boundary with Kryo (registration required) and the
 * application jar. Training gives the float64 weights of local mode.
 */
@Tag("every-spark-line")
class LocalClusterModeIT {

    @TempDir
    Path tmp;

    @Test
    void separateExecutorJvmsTrainTheModelLocalModeTrains() throws Exception {
        Path data = TestData.perStepRegression(tmp, "train.jsonl", 23, 3, 7, 11);
        String[] args = {"--data", data.toString(), "--hidden", "5,4", "--iterations", "6", "--batch-size", "8",
                "--partitions", "3", "--precision", "float64", "--checkpoint-every", "0", "--log-every", "6",
                "--validation-fraction", "0.2"};
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        Trainer.Result local = new Trainer(SharedSpark.get(), TrainCommand.parse(concat(args, "--model-dir",
                tmp.resolve("local").toString())), quiet).run();
        SharedSpark.stop();

        SparkConf conf = new SparkConf().setMaster("local-cluster[2,1,1024]").setAppName("local-cluster-it")
                .set("spark.jars", System.getProperty("sparkrnn.app.jar"))
                .set("spark.serializer", KryoSerializer.class.getName())
                .set("spark.kryo.registrator", SparkRnnKryoRegistrator.class.getName())
                .set("spark.kryo.registrationRequired", "true")
                .set("spark.ui.enabled", "false");
        JavaSparkContext sc = new JavaSparkContext(conf);
        try {
            sc.setLogLevel("WARN");
            Trainer.Result distributed = new Trainer(sc, TrainCommand.parse(concat(args, "--model-dir",
                    tmp.resolve("cluster").toString())), quiet).run();
            assertEquals(2, sc.sc().getExecutorMemoryStatus().size() - 1, "two executor JVMs besides the driver");
            ClusterProcesses.assertClose(local.finalParams(), distributed.finalParams(), 1e-12,
                    "local-cluster vs local weights");
            ClusterProcesses.assertClose(local.keptParams(), distributed.keptParams(), 1e-12, "best weights");
        } finally {
            sc.stop();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
