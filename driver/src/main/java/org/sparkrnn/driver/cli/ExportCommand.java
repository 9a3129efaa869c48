package org.sparkrnn.driver.cli;

import org.apache.hadoop.conf.Configuration;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.Choices;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ForecastLevels;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.ModelFile;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.onnx.OnnxExport;
import org.sparkrnn.serve.ServedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code lstm-spark export}: a trained model as a PyTorch-named safetensors file, or as an ONNX graph that computes
 * the whole forecast (no Spark needed for either), and a model that scales each series its table of levels beside it.
 */
@Command(name = "export", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Write a model's weights with PyTorch names (lstm.weight_ih_l0, ..., head.weight) to safetensors,"
                + " or the whole model, transforms included, as an ONNX graph (--format onnx).")
public final class ExportCommand implements Callable<Integer> {

    /** What {@code --format} takes. */
    enum Format implements org.sparkrnn.model.CliNamed {
        SAFETENSORS, ONNX;

        @Override
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Options whose names train uses for something else: the run's settings never fill them. */
    static final java.util.Set<String> NOT_THE_RUNS = java.util.Set.of("format");

    @Mixin
    ModelMixin model;

    @Option(names = {"--output", "--export"}, paramLabel = "FILE",
            description = "The file to write (--export: the same, the name this option had first).")
    String export;

    @Option(names = "--format", defaultValue = "safetensors", paramLabel = "safetensors|onnx",
            description = "safetensors: the weights with PyTorch names and the standardisation (load them into"
                    + " torch.nn); onnx: one graph, opset " + OnnxExport.OPSET + ", float32, from the data's rows to"
                    + " the forecast in the data's units (docs/serving.md). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--quantiles", paramLabel = "LEVELS",
            description = "--format onnx: the quantiles the graph gives after the point forecast (a probabilistic"
                    + " model). Default: a quantile model's trained levels; for a distribution 0.1,0.25,0.5,0.75,0.9.")
    String quantiles;

    @Override
    public Integer call() throws Exception {
        if (export == null) {
            throw new UserError("--output FILE is required");
        }
        Format chosen = Choices.parse("format", format, Format.class);
        if (chosen == Format.SAFETENSORS && quantiles != null) {
            throw new SettingError("{--quantiles} is for --format onnx: a safetensors export holds the weights,"
                    + " whatever quantiles are asked of them later");
        }
        Precision precision = EvaluateCommand.parsePrecision(model.precision);
        FileStore files = new FileStore(new Configuration());
        SavedModel saved = new ModelDirectory(files, model.modelDir).readModel();
        ServedModel served = saved.served();
        byte[] bytes;
        if (chosen == Format.ONNX) {
            String why = OnnxExport.inexpressible(served);
            if (why != null) {
                throw new UserError("--format onnx cannot express " + why);
            }
            double[] levels = ForecastLevels.of(saved, quantiles);
            if (precision == Precision.FLOAT64) {
                System.out.println("note: the ONNX graph computes in float32 (ONNX Runtime's LSTM, GRU and RNN take"
                        + " no other type): the model's float64 weights and statistics are rounded to float32");
            }
            bytes = OnnxExport.write(served, levels);
        } else {
            bytes = ModelFile.export(saved, precision);
        }
        if (saved.seriesScaling() != null) {
            String table = ModelFile.seriesTablePath(export);
            files.writeAtomically(table, ModelFile.seriesTable(saved.seriesScaling())
                    .getBytes(StandardCharsets.UTF_8));
            System.out.println("wrote the scale of " + saved.seriesScaling().size() + " series to " + table);
        }
        files.writeAtomically(export, bytes);
        System.out.println("wrote " + saved.spec().describe() + (chosen == Format.ONNX ? " as an ONNX graph (opset "
                + OnnxExport.OPSET + ")" : " weights") + " to " + export);
        return 0;
    }
}
