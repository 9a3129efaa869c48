package org.sparkrnn.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.model.NetworkSpec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads what {@code lstm-spark train} (or a Spark ML {@code LstmModel.write().save(dir)}) saved, from the local file
 * system, without Spark: a model directory's {@value #MODEL} (or {@value #SPARK_ML_MODEL}), or a model file itself.
 * The weights are the file's PyTorch-named tensors ({@link TorchNames}); the rest is its {@value #METADATA_KEY}
 * metadata (JSON: the network, the standardisation, the window transform, each series' scale, the record shape).
 */
public final class ModelReader {

    /** The model file in a model directory. */
    public static final String MODEL = "model.safetensors";
    /** Where a Spark ML {@code LstmModel} keeps its model file inside the directory it is saved to. */
    public static final String SPARK_ML_MODEL = "data/model.safetensors";
    /** The metadata entry holding the model's description. */
    public static final String METADATA_KEY = "sparkrnn.model";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelReader() {
    }

    /**
     * {@link SeriesScaling} as the metadata holds it (its {@code series} entry, written by the driver's model file):
     * each series' key (as text) and scale, and the key column (null: none).
     */
    public record SeriesScales(String keyColumn, String[] keys, double[] scales) {
        /** The scales of {@code scaling} (null: none). */
        public static SeriesScales of(SeriesScaling scaling) {
            if (scaling == null) {
                return null;
            }
            int n = scaling.size();
            String[] keys = new String[n];
            double[] scales = new double[n];
            for (int k = 0; k < n; k++) {
                keys[k] = scaling.key(k);
                scales[k] = scaling.scale(k);
            }
            return new SeriesScales(scaling.keyColumn(), keys, scales);
        }

        SeriesScaling scaling() {
            return new SeriesScaling(keyColumn, keys, scales);
        }
    }

    /** A decoded model file: the model and its whole metadata record (for what only the driver reads). */
    public record Decoded(ServedModel model, JsonNode metadata) {
    }

    /** The model in {@code path}: a model directory, a saved Spark ML model, or a model file. */
    public static ServedModel read(Path path) throws IOException {
        Path file = path;
        if (Files.isDirectory(path)) {
            file = Files.exists(path.resolve(MODEL)) ? path.resolve(MODEL) : path.resolve(SPARK_ML_MODEL);
            if (!Files.exists(file)) {
                throw new ModelFileException(path.toString(), "no " + MODEL + " (nor " + SPARK_ML_MODEL
                        + "): not a model directory");
            }
        } else if (!Files.exists(path)) {
            throw new ModelFileException(path.toString(), "no such model directory or file");
        }
        return decode(Files.readAllBytes(file), file.toString()).model();
    }

    /** A model file's bytes; {@code source} names it in errors. */
    public static Decoded decode(byte[] bytes, String source) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(new ByteArrayInputStream(bytes), source);
        String json = contents.metadata().get(METADATA_KEY);
        if (json == null) {
            throw new ModelFileException(source, "has weights but no '" + METADATA_KEY
                    + "' metadata; use it with --init");
        }
        try {
            JsonNode info = JSON.readTree(json);
            NetworkSpec spec = JSON.treeToValue(info.get("spec"), NetworkSpec.class);
            JsonNode standardization = info.path("standardization");
            JsonNode series = info.path("series");
            SeriesScaling scaling = series.isObject() ? JSON.treeToValue(series, SeriesScales.class).scaling() : null;
            ServedModel model = new ServedModel(spec, TorchNames.importWeights(contents, spec, source),
                    standardization.isObject() ? JSON.treeToValue(standardization, Standardization.class) : null,
                    WindowTransform.of(info.path("relativeToLast").asBoolean(false),
                            info.path("windowScaled").asBoolean(false)),
                    scaling, "PER_STEP".equals(info.path("shape").path("labelShape").asText()));
            return new Decoded(model, info);
        } catch (JsonProcessingException | RuntimeException e) {
            if (e instanceof ModelFileException known) {
                throw known;
            }
            String why = e instanceof JsonProcessingException json1 ? json1.getOriginalMessage() : e.getMessage();
            throw new ModelFileException(source, "unreadable '" + METADATA_KEY + "' metadata: " + why);
        }
    }
}
