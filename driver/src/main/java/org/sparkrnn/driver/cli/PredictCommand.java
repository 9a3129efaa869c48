package org.sparkrnn.driver.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.data.DataOptions;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.LoadedData;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.train.DistributedSums;
import org.sparkrnn.kernel.ForwardResult;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.ModelWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lstm-spark predict}: predictions for every sequence of a data set, written as JSON Lines in input order
 * (one part file per partition), computed on the executors in bounded chunks.
 */
@Command(name = "predict", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Write predictions for a data set as JSON Lines (labels in the input, if any, are ignored).")
public final class PredictCommand implements Callable<Integer> {

    @Mixin
    ModelMixin model;

    @Mixin
    DataMixin data;

    @Option(names = "--output", paramLabel = "DIR", description = "Where to write the predictions (a new directory).")
    String output;

    @Mixin
    SparkMixin sparkOptions;

    @Override
    public Integer call() throws Exception {
        if (output == null) {
            throw new UserError("--output DIR is required (a directory that does not exist yet)");
        }
        DataOptions options = data.toOptions(model.seed);
        Precision precision = EvaluateCommand.parsePrecision(model.precision);
        return Main.withSpark("lstm-spark predict", sparkOptions, sc -> {
            FileStore files = new FileStore(sc.hadoopConfiguration());
            if (files.exists(output)) {
                throw new UserError(output + " already exists; choose a new --output directory");
            }
            SavedModel saved = new ModelDirectory(files, model.modelDir).readModel();
            DistributedSums sums = new DistributedSums(sc, 2);
            LoadedData loaded = new DatasetLoader(sc, sums).loadForModel(options, options.path(),
                    new DatasetLoader.Context(saved.shape(), saved.vocabulary(), saved.standardization(), false),
                    false);
            boolean perStep = saved.shape().labelShape() == LabelShape.PER_STEP;
            boolean classes = saved.spec().loss().isClassification();
            Standardization standardization = saved.standardization();
            sums.withModel(loaded.train(), new ModelWeights(saved.spec(), saved.params()),
                    (weights, batch) -> predictLines(weights, batch, precision, perStep, classes, standardization),
                    lines -> lines.saveAsTextFile(output), "predict");
            System.out.printf("wrote predictions for %d sequences to %s%n", loaded.trainSequences(), output);
            return 0;
        });
    }

    private static List<String> predictLines(ModelWeights weights, SequenceBatch batch, Precision precision,
                                             boolean perStep, boolean classes, Standardization standardization)
            throws Exception {
        NetworkKernel kernel = NetworkKernel.create(weights.spec(), precision);
        ObjectMapper json = new ObjectMapper();
        int v = weights.spec().outputSize();
        List<String> lines = new ArrayList<>(batch.size());
        List<Exception> failures = new ArrayList<>();
        DistributedSums.forEachChunk(batch, chunk -> {
            ForwardResult result = kernel.forward(weights.params(), chunk,
                    perStep ? OutputMode.EVERY_STEP : OutputMode.LAST_STEP, null);
            double[] outputs = result.outputs().clone();
            if (standardization != null && !classes) {
                standardization.unscaleTargetsInPlace(outputs, v);
            }
            for (int b = 0; b < chunk.size(); b++) {
                ObjectNode line = json.createObjectNode();
                if (perStep) {
                    ArrayNode steps = line.putArray("predictions");
                    for (int t = 0; t < chunk.length(b); t++) {
                        addPrediction(steps, outputs, chunk.stepOffset(b) + t, v, classes, json);
                    }
                } else {
                    ArrayNode one = json.createArrayNode();
                    addPrediction(one, outputs, b, v, classes, json);
                    line.set("prediction", one.get(0));
                }
                try {
                    lines.add(json.writeValueAsString(line));
                } catch (Exception e) {
                    failures.add(e);
                }
            }
        });
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return lines;
    }

    /** A number, an array of V numbers, or for classes {"class": k, "probabilities": [...]}. */
    private static void addPrediction(ArrayNode into, double[] outputs, int row, int v, boolean classes,
                                      ObjectMapper json) {
        if (classes) {
            ObjectNode node = json.createObjectNode();
            int best = 0;
            ArrayNode probabilities = json.createArrayNode();
            for (int j = 0; j < v; j++) {
                probabilities.add(outputs[row * v + j]);
                if (outputs[row * v + j] > outputs[row * v + best]) {
                    best = j;
                }
            }
            node.put("class", best);
            node.set("probabilities", probabilities);
            into.add(node);
        } else if (v == 1) {
            into.add(outputs[row]);
        } else {
            ArrayNode values = into.addArray();
            for (int j = 0; j < v; j++) {
                values.add(outputs[row * v + j]);
            }
        }
    }
}
