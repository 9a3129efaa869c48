package org.sparkrnn.driver.model;

import org.sparkrnn.driver.UserError;
import org.sparkrnn.kernel.Precision;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The files of one model directory (local or any Hadoop URI):
 * <pre>
 *   config.properties    every setting of the run (usable again with --conf)
 *   model.safetensors    the model to use: best validation loss if validated, else the last iterate
 *   metrics.csv          one row per logged iteration
 *   loss.svg             training and validation loss against iteration
 *   checkpoints/         ckpt-&lt;iteration&gt;.bin, the newest K
 * </pre>
 */
public final class ModelDirectory {

    public static final String CONFIG = "config.properties";
    public static final String MODEL = "model.safetensors";
    public static final String METRICS = "metrics.csv";
    public static final String LOSS_CURVE = "loss.svg";

    private final FileStore files;
    private final String root;

    public ModelDirectory(FileStore files, String root) {
        this.files = files;
        this.root = root;
    }

    public String root() {
        return root;
    }

    public String path(String name) {
        return FileStore.join(root, name);
    }

    /** True when a run has already started here (a config or checkpoints exist). */
    public boolean holdsARun() throws IOException {
        return files.exists(path(CONFIG)) || !files.list(path("checkpoints")).isEmpty();
    }

    public CheckpointStore checkpoints(int keep) {
        return new CheckpointStore(files, root, keep);
    }

    public void writeConfig(Map<String, String> settings) throws IOException {
        StringBuilder text = new StringBuilder("# the settings of this run; reuse with --conf " + path(CONFIG) + "\n");
        new TreeMap<>(settings).forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        files.writeAtomically(path(CONFIG), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    public Map<String, String> readConfig() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(new String(files.read(path(CONFIG)), StandardCharsets.UTF_8)));
        Map<String, String> settings = new TreeMap<>();
        properties.forEach((k, v) -> settings.put(k.toString(), v.toString().trim()));
        return settings;
    }

    public void writeText(String name, String text) throws IOException {
        files.writeAtomically(path(name), text.getBytes(StandardCharsets.UTF_8));
    }

    /** The file's text, or null when it does not exist. */
    public String readText(String name) throws IOException {
        return files.exists(path(name)) ? new String(files.read(path(name)), StandardCharsets.UTF_8) : null;
    }

    public void writeModel(SavedModel model, Precision precision) throws IOException {
        files.writeAtomically(path(MODEL), ModelFile.encode(model, precision));
    }

    public SavedModel readModel() throws IOException {
        if (!files.exists(path(MODEL))) {
            throw new UserError(root + ": no " + MODEL + " (has a training run finished here?)");
        }
        return ModelFile.decode(files.read(path(MODEL)), path(MODEL));
    }
}
