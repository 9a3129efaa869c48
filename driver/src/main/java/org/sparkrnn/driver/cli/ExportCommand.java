package org.sparkrnn.driver.cli;

import org.apache.hadoop.conf.Configuration;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.ModelFile;
import org.sparkrnn.driver.model.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code lstm-spark export}: a trained model's weights as a PyTorch-named safetensors file (no Spark needed), and a
 * model that scales each series its table of levels beside it.
 */
@Command(name = "export", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Write a model's weights with PyTorch names (lstm.weight_ih_l0, ..., head.weight) to safetensors.")
public final class ExportCommand implements Callable<Integer> {

    @Mixin
    ModelMixin model;

    @Option(names = {"--output", "--export"}, paramLabel = "FILE.safetensors",
            description = "The file to write (--export: the same, the name this option had first).")
    String export;

    @Override
    public Integer call() throws Exception {
        if (export == null) {
            throw new UserError("--output FILE.safetensors is required");
        }
        FileStore files = new FileStore(new Configuration());
        SavedModel saved = new ModelDirectory(files, model.modelDir).readModel();
        if (saved.seriesScaling() != null) {
            String table = ModelFile.seriesTablePath(export);
            files.writeAtomically(table, ModelFile.seriesTable(saved.seriesScaling())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            System.out.println("wrote the scale of " + saved.seriesScaling().size() + " series to "
                    + table);
        }
        files.writeAtomically(export, ModelFile.export(saved, EvaluateCommand.parsePrecision(model.precision)));
        System.out.println("wrote " + saved.spec().describe() + " weights to " + export);
        return 0;
    }
}
