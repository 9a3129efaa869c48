package org.sparkrnn.driver.cli;

import org.sparkrnn.serve.TorchNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.ModelFile;
import org.sparkrnn.serve.SafeTensors;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Gomez example (../shared/reference/gomez-lstm-example.md) through the whole command line: one JSON Lines
 * sequence, --hidden 1, --loss mse (its mean over the two labelled steps is Gomez's Σ½(out − y)²), --init with the
 * example's weights and an identity head, one SGD step with lr 0.1: the LSTM weights equal the example's updated
 * weights to 1e-6.
 */
class GomezThroughTheDriverTest {

    @TempDir
    Path tmp;

    @Test
    void oneSgdStepOfTheCommandLineMatchesTheExample() throws Exception {
        SharedSpark.stop(); // the command line starts its own Spark
        Path data = TestData.write(tmp, "gomez.jsonl",
                "{\"features\": [[1,2],[0.5,3]], \"labels\": [0.5,1.25]}");
        NetworkSpec spec = new NetworkSpec(2, List.of(LayerSpec.lstm(1)), 1, Loss.MSE);
        ParameterLayout layout = new ParameterLayout(spec);
        double[] p = new double[layout.size()];
        // PyTorch gate order i, f, g (Gomez's a), o
        double[][] w = {{0.95, 0.80}, {0.70, 0.45}, {0.45, 0.25}, {0.60, 0.40}};
        double[] u = {0.80, 0.10, 0.15, 0.25};
        double[] b = {0.65, 0.15, 0.20, 0.10};
        for (int g = 0; g < 4; g++) {
            p[layout.layer(0).inputWeights().offset() + 2 * g] = w[g][0];
            p[layout.layer(0).inputWeights().offset() + 2 * g + 1] = w[g][1];
            p[layout.layer(0).recurrentWeights().offset() + g] = u[g];
            p[layout.layer(0).bias().offset() + g] = b[g];
        }
        p[layout.headWeight().offset()] = 1.0;
        Path init = tmp.resolve("gomez.safetensors");
        Files.write(init, SafeTensors.toBytes(TorchNames.tensors(spec, p, Precision.FLOAT64), Map.of()));
        Path model = tmp.resolve("model");

        int exit = Main.run("train", "--data", data.toString(), "--hidden", "1", "--loss", "mse", "--init",
                init.toString(), "--optimizer", "sgd", "--lr", "0.1", "--iterations", "1", "--batch-size", "all",
                "--precision", "float64", "--model-dir", model.toString(), "--master", "local[2]");
        assertEquals(0, exit);

        SavedModel saved = new ModelDirectory(new FileStore(new org.apache.hadoop.conf.Configuration()),
                model.toString()).readModel();
        double[] q = saved.params();
        double[][] expectedW = {{0.950220, 0.800664}, {0.700315, 0.451892}, {0.452672, 0.259220}, {0.602592, 0.416260}};
        double[] expectedU = {0.800060, 0.100338, 0.151040, 0.252970};
        double[] expectedB = {0.650276, 0.150631, 0.203641, 0.105361};
        for (int g = 0; g < 4; g++) {
            String gate = "ifao".substring(g, g + 1);
            assertEquals(expectedW[g][0], q[layout.layer(0).inputWeights().offset() + 2 * g], 1e-6, "W_" + gate + "[0]");
            assertEquals(expectedW[g][1], q[layout.layer(0).inputWeights().offset() + 2 * g + 1], 1e-6, "W_" + gate + "[1]");
            assertEquals(expectedU[g], q[layout.layer(0).recurrentWeights().offset() + g], 1e-6, "U_" + gate);
            assertEquals(expectedB[g], q[layout.layer(0).bias().offset() + g], 1e-6, "b_" + gate);
        }
    }
}
