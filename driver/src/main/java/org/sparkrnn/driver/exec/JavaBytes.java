package org.sparkrnn.driver.exec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;

/**
 * A value as Java-serialised bytes and back: how a task result that Kryo 4 cannot write (records, maps of them)
 * travels whatever serializer the session has, and how a value is deep-copied as Spark copies a zero value.
 */
public final class JavaBytes {

    private JavaBytes() {
    }

    /** {@code value}'s bytes. */
    public static byte[] of(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The value {@link #of} wrote. */
    @SuppressWarnings("unchecked")
    public static <T> T read(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (T) in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A deep copy of {@code value}. */
    public static <T> T copied(T value) {
        return read(of(value));
    }
}
