package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.data.ParsedBlock;
import org.sparkrnn.data.SequenceBatch;

import java.util.ArrayList;
import java.util.List;

/** {@link ParsedBlock}: its two batches (their own serializer) and the rejected records as strings. */
final class ParsedBlockSerializer extends Serializer<ParsedBlock> {

    ParsedBlockSerializer() {
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, ParsedBlock block) {
        kryo.writeObject(out, block.train());
        kryo.writeObject(out, block.validation());
        out.writeVarInt(block.rejects().size(), true);
        for (String reject : block.rejects()) {
            out.writeString(reject);
        }
    }

    @Override
    public ParsedBlock read(Kryo kryo, Input in, Class<ParsedBlock> type) {
        SequenceBatch train = kryo.readObject(in, SequenceBatch.class);
        SequenceBatch validation = kryo.readObject(in, SequenceBatch.class);
        int count = in.readVarInt(true);
        List<String> rejects = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rejects.add(in.readString());
        }
        return new ParsedBlock(train, validation, rejects);
    }
}
