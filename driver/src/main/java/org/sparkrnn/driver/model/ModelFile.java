package org.sparkrnn.driver.model;

import org.sparkrnn.serve.SafeTensors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.serve.ModelFileException;
import org.sparkrnn.serve.ModelReader;
import org.sparkrnn.serve.ServedModel;
import org.sparkrnn.serve.TorchNames;
import org.sparkrnn.driver.DataFormatError;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weights as PyTorch names them, in safetensors: {@code lstm.weight_ih_l0}, {@code lstm.weight_hh_l0},
 * {@code lstm.bias_ih_l0}, {@code lstm.bias_hh_l0}, ... for LSTM layers ({@code rnn.*}, {@code gru.*} for RNN and GRU
 * layers; the layer number counts the whole stack; a bidirectional layer's reverse direction has PyTorch's
 * {@code _reverse} suffix), with a forecast decoder {@code decoder.weight} and {@code decoder.bias}, then
 * {@code head.weight}, {@code head.bias}. A stack of one cell type with equal hidden sizes
 * loads directly into {@code torch.nn.LSTM/GRU/RNN(num_layers=L, bidirectional=...)} plus {@code torch.nn.Linear}.
 * LSTM and RNN export their summed bias into {@code bias_ih} with zeros in {@code bias_hh} (importing sums the
 * two); GRU keeps both. The file's metadata carries what this
 * project needs to use the model again ({@code sparkrnn.model}: spec, record shape, standardisation, vocabulary).
 */
public final class ModelFile {

    static final String METADATA_KEY = ModelReader.METADATA_KEY;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFile() {
    }

    /** The metadata record stored as JSON. */
    /**
     * @param relativeToLast null in files written before it existed (= false)
     * @param windowScaled   null in files written before it existed (= false)
     * @param series         null unless the model scales each series by its own statistics
     * @param frequency      the step between a series' rows ({@code --frequency}, given or inferred), or null
     */
    record Info(int version, NetworkSpec spec, org.sparkrnn.driver.data.records.RecordShape shape,
                org.sparkrnn.data.Standardization standardization,
                org.sparkrnn.driver.data.records.Vocabulary vocabulary, Boolean relativeToLast, Boolean windowScaled,
                ModelReader.SeriesScales series, String frequency) {
    }

    public static byte[] encode(SavedModel model, Precision precision) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put(METADATA_KEY, info(model));
        return SafeTensors.toBytes(TorchNames.tensors(model.spec(), model.params(), precision), metadata);
    }

    /** The {@value #METADATA_KEY} metadata of {@code model}: everything but its weights, as JSON. */
    private static String info(SavedModel model) throws IOException {
        return JSON.writeValueAsString(new Info(1, model.spec(), model.shape(), model.standardization(),
                model.vocabulary(), model.windowTransform().fromLast(), model.windowTransform().scaled(),
                ModelReader.SeriesScales.of(model.seriesScaling()), model.frequency() == null ? null : model.frequency().text()));
    }

    /**
     * A model saved by {@link #encode}: what serving needs read by the Spark-free {@link ModelReader}, the record
     * shape, vocabulary and time step from the same metadata.
     */
    public static SavedModel decode(byte[] bytes, String source) throws IOException {
        ModelReader.Decoded decoded;
        try {
            decoded = ModelReader.decode(bytes, source);
        } catch (ModelFileException e) {
            throw new DataFormatError(source, e.problem());
        }
        Info info;
        try {
            info = JSON.treeToValue(decoded.metadata(), Info.class);
        } catch (JsonProcessingException e) {
            throw new UserError(source + ": unreadable '" + METADATA_KEY + "' metadata: " + e.getOriginalMessage());
        }
        ServedModel served = decoded.model();
        return new SavedModel(served.spec(), served.params(), info.shape(), served.standardization(),
                info.vocabulary(), served.windowTransform(), served.seriesScaling(),
                info.frequency() == null ? null : org.sparkrnn.driver.config.Frequency.parse(info.frequency()));
    }

    /** Names of the standardisation statistics in an export (absent when the model does not standardise). */
    public static final String FEATURE_MEAN = "standardize.feature_mean";
    public static final String FEATURE_STD = "standardize.feature_std";
    public static final String TARGET_MEAN = "standardize.target_mean";
    public static final String TARGET_STD = "standardize.target_std";

    /**
     * What {@code export} writes for PyTorch: the weights with PyTorch's names in {@code precision}, the model's
     * standardisation in the same precision (a float32 input minus an F64 mean would be float64, which float32
     * modules refuse) ({@link #FEATURE_MEAN}, {@link #FEATURE_STD} [I]; {@link #TARGET_MEAN},
     * {@link #TARGET_STD} [V]: inputs go in as {@code (x - mean) / std}, outputs come out as {@code y * std + mean}),
     * and metadata saying so, with {@code sparkrnn.relative_to_last} and {@code sparkrnn.window_scaled} for the
     * window transform applied before the standardisation ({@link WindowTransform}: the first feature and the
     * targets become {@code (x - o) / s}, o the window's last value or mean, s its standard deviation).
     */
    public static byte[] export(SavedModel model, Precision precision) throws IOException {
        Map<String, SafeTensors.Tensor> tensors = TorchNames.tensors(model.spec(), model.params(), precision);
        org.sparkrnn.data.Standardization s = model.standardization();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        String dtype = TorchNames.dtype(precision);
        if (s != null && s.featureMean() != null) {
            tensors.put(FEATURE_MEAN, vector(s.featureMean(), dtype));
            tensors.put(FEATURE_STD, vector(s.featureStd(), dtype));
        }
        if (s != null && s.targetMean() != null) {
            tensors.put(TARGET_MEAN, vector(s.targetMean(), dtype));
            tensors.put(TARGET_STD, vector(s.targetStd(), dtype));
        }
        metadata.put("sparkrnn.inputs", s != null && s.featureMean() != null
                ? "standardised: (x - " + FEATURE_MEAN + ") / " + FEATURE_STD : "as in the data");
        metadata.put("sparkrnn.outputs", s != null && s.targetMean() != null
                ? "standardised: y * " + TARGET_STD + " + " + TARGET_MEAN : "as in the data");
        metadata.put("sparkrnn.relative_to_last", String.valueOf(model.windowTransform().fromLast()));
        // the model file's own description too: the Spark-free predictor (ModelReader) serves an export as it is
        metadata.put(METADATA_KEY, info(model));
        metadata.put("sparkrnn.window_scaled", String.valueOf(model.windowTransform().scaled()));
        if (model.spec().hasDecoder()) {
            org.sparkrnn.model.Decoder decoder = model.spec().decoder();
            metadata.put(DECODER_KNOWN_INPUTS, String.join(",", decoder.features().stream().map(String::valueOf)
                    .toList()));
            metadata.put("sparkrnn.decoder", "per predicted step s (" + decoder.steps() + "): y_s = head(relu("
                    + "decoder([h ; f_s[known]]))), h the top layer's last state, f_s the input row of step s"
                    + " standardised as the inputs are, known = " + DECODER_KNOWN_INPUTS + "; the outputs are y_0 .."
                    + " y_" + (decoder.steps() - 1) + " one after the other");
        }
        org.sparkrnn.distribution.ForecastHead head = org.sparkrnn.distribution.ForecastHead.of(model.spec());
        if (head != null) {
            metadata.put(LOSS, model.spec().loss().cliName() + (head.levels().length == 0 ? ""
                    : ":" + head.levelsText()));
            metadata.put("sparkrnn.head", head.parameters() + " outputs per predicted value, one value's after"
                    + " another: " + switch (model.spec().loss()) {
                        case QUANTILE -> "q_1 = r_1, q_k = q_(k-1) + softplus(r_k) at the levels of " + LOSS;
                        case GAUSSIAN -> "mean r_1, standard deviation softplus(r_2)";
                        case STUDENT_T -> "location r_1, scale softplus(r_2), degrees of freedom 2 + softplus(r_3)";
                        default -> "mean softplus(r_1) times the window's series scale, dispersion softplus(r_2)"
                                + " (variance mean + dispersion mean^2)";
                    } + "; then the outputs' transforms, as a point forecast's (docs/math.md, probabilistic losses)");
        }
        if (model.seriesScaling() != null) {
            metadata.put(SERIES_SCALED, "each series by its own scale, the table beside this file ("
                    + SERIES_TABLE_SUFFIX + "): the first input is x / scale before all else, the outputs y * scale"
                    + " after all else; a series not in it by the mean of its window's absolute first inputs");
            metadata.put("sparkrnn.series_key_column", String.valueOf(model.seriesScaling().keyColumn()));
        }
        return SafeTensors.toBytes(tensors, metadata);
    }

    /** The export's metadata entry listing which inputs of a predicted step's row the forecast decoder reads. */
    public static final String DECODER_KNOWN_INPUTS = "sparkrnn.decoder_known_inputs";

    /** The export's metadata entry naming a probabilistic model's loss (a quantile loss with its levels). */
    public static final String LOSS = "sparkrnn.loss";

    /** The export's metadata entry saying the model scales each series by its own statistics. */
    public static final String SERIES_SCALED = "sparkrnn.series_scaled";
    /** What the per-series table's name adds to the export's, without its {@code .safetensors}. */
    public static final String SERIES_TABLE_SUFFIX = ".series.csv";

    /**
     * Where the per-series table of the export {@code file} goes: {@code m.safetensors} (or {@code m.onnx}) →
     * {@code m.series.csv}.
     */
    public static String seriesTablePath(String file) {
        for (String extension : new String[] {".safetensors", ".onnx"}) {
            if (file.endsWith(extension)) {
                return file.substring(0, file.length() - extension.length()) + SERIES_TABLE_SUFFIX;
            }
        }
        return file + SERIES_TABLE_SUFFIX;
    }

    /**
     * Each series' scale as a CSV table ({@code key,scale}, a header, one row per series, keys quoted when they hold
     * a comma or quote, numbers as Java prints a double: each reads back exactly).
     */
    public static String seriesTable(SeriesScaling scaling) {
        StringBuilder csv = new StringBuilder("key,scale\n");
        for (int k = 0; k < scaling.size(); k++) {
            String key = scaling.key(k);
            if (key.contains(",") || key.contains("\"") || key.contains("\n")) {
                key = '"' + key.replace("\"", "\"\"") + '"';
            }
            csv.append(key).append(',').append(scaling.scale(k)).append('\n');
        }
        return csv.toString();
    }

    private static SafeTensors.Tensor vector(double[] values, String dtype) {
        return new SafeTensors.Tensor(dtype, new long[] {values.length}, values.clone());
    }

}
