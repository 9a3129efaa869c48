package org.sparkrnn.driver.model;

import org.sparkrnn.optim.OptimizerState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The binary form of a {@link TrainingState}: magic, version, fields, and a CRC-32 of everything before it, so a
 * truncated or damaged file is recognised as such and never taken for a valid checkpoint. Doubles are written
 * exactly (resume is bit-identical).
 */
final class CheckpointCodec {

    private static final long MAGIC = 0x53524E4E434B5054L; // "SRNNCKPT"
    private static final int VERSION = 1;

    private CheckpointCodec() {
    }

    static byte[] encode(TrainingState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeLong(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(state.configFingerprint());
        out.writeLong(state.seed());
        out.writeLong(state.iteration());
        writeDoubles(out, state.params());
        out.writeLong(state.optimizer().step());
        out.writeInt(state.optimizer().slots().size());
        for (Map.Entry<String, double[]> slot : state.optimizer().slots().entrySet()) {
            out.writeUTF(slot.getKey());
            writeDoubles(out, slot.getValue());
        }
        out.writeDouble(state.bestObjective());
        out.writeLong(state.bestIteration());
        out.writeInt(state.evaluationsSinceBest());
        out.writeBoolean(state.bestParams() != null);
        if (state.bestParams() != null) {
            writeDoubles(out, state.bestParams());
        }
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    /** The state, or an {@link IOException} saying why these bytes are not a valid checkpoint. */
    static TrainingState decode(byte[] bytes) throws IOException {
        if (bytes.length < 8 + 4 + 8) {
            throw new IOException("truncated (" + bytes.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        long stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
        if (crc.getValue() != stored) {
            throw new IOException("checksum mismatch (incomplete or damaged write)");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8));
        if (in.readLong() != MAGIC) {
            throw new IOException("not a checkpoint of this project");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("checkpoint format version " + version + ", this build reads " + VERSION);
        }
        long fingerprint = in.readLong();
        long seed = in.readLong();
        long iteration = in.readLong();
        double[] params = readDoubles(in);
        long step = in.readLong();
        int slots = in.readInt();
        Map<String, double[]> named = new LinkedHashMap<>();
        for (int i = 0; i < slots; i++) {
            named.put(in.readUTF(), readDoubles(in));
        }
        double bestObjective = in.readDouble();
        long bestIteration = in.readLong();
        int sinceBest = in.readInt();
        double[] bestParams = in.readBoolean() ? readDoubles(in) : null;
        return new TrainingState(iteration, params, OptimizerState.restore(step, named), bestObjective, bestIteration,
                bestParams, sinceBest, seed, fingerprint);
    }

    private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 28)) {
            throw new IOException("implausible array length " + n);
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }
}
