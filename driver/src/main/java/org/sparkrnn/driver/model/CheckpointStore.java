package org.sparkrnn.driver.model;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Checkpoints in {@code <model-dir>/checkpoints/ckpt-<iteration>.bin}: each written under a temporary name and renamed
 * when complete, the newest K kept. Reading takes the newest checkpoint that decodes and passes its checksum, and
 * reports any newer one it had to skip.
 */
public final class CheckpointStore {

    private static final String PREFIX = "ckpt-";
    private static final String SUFFIX = ".bin";

    private final FileStore files;
    private final String directory;
    private final int keep;

    public CheckpointStore(FileStore files, String modelDir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one checkpoint, got " + keep);
        }
        this.files = files;
        this.directory = FileStore.join(modelDir, "checkpoints");
        this.keep = keep;
    }

    /** Writes a checkpoint, then deletes all but the newest {@code keep}; returns its path. */
    public String write(TrainingState state) throws IOException {
        String path = FileStore.join(directory, String.format("%s%012d%s", PREFIX, state.iteration(), SUFFIX));
        files.writeAtomically(path, CheckpointCodec.encode(state));
        List<String> names = checkpointNames();
        for (int i = keep; i < names.size(); i++) {
            files.delete(FileStore.join(directory, names.get(i)));
        }
        return path;
    }

    /** The newest valid checkpoint, or null when there is none; {@code warn} hears about skipped ones. */
    public TrainingState newestValid(Consumer<String> warn) throws IOException {
        for (String name : checkpointNames()) {
            String path = FileStore.join(directory, name);
            try {
                return CheckpointCodec.decode(files.read(path));
            } catch (IOException e) {
                warn.accept("skipping checkpoint " + path + ": " + e.getMessage());
            }
        }
        return null;
    }

    /** Checkpoint file names, newest first (temporary files excluded). */
    List<String> checkpointNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (String name : files.list(directory)) {
            if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
                names.add(name);
            }
        }
        Collections.sort(names, Collections.reverseOrder());
        return names;
    }
}
