package org.sparkrnn.driver.data.table;

import org.sparkrnn.data.SeriesScaling;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each series' count and sum of absolute values of its target over its training rows (before the hold-out time, when
 * there is one; a missing value is not counted), summed exactly: the sums are {@link BigDecimal}s, so adding the
 * shares of a series cut across partitions gives the same sums in any order, and the scaling they make
 * ({@link #scaling}) is the same whatever the partitioning, bit for bit. Spark-free: the source sums each partition's
 * rows and adds the partitions' sums on the driver; they travel as bytes ({@link #toBytes}), which every serializer
 * sends as they are.
 */
final class SeriesSums {

    /** One series' sums. */
    private static final class Sums {
        long count;
        BigDecimal sum = BigDecimal.ZERO;

        void add(double value) {
            count++;
            sum = sum.add(new BigDecimal(Math.abs(value)));
        }

        void add(Sums other) {
            count += other.count;
            sum = sum.add(other.sum);
        }
    }

    private final TreeMap<String, Sums> bySeries = new TreeMap<>();

    /**
     * The sums of {@code rows}' series (their key as text) over the rows before {@code before} (a time key; null:
     * every row), reading the first target.
     */
    static SeriesSums of(TableRows rows, Double before) {
        SeriesSums sums = new SeriesSums();
        double[] y = rows.targets();
        int width = rows.targetWidth();
        for (int from = 0, to; from < rows.size(); from = to) {
            to = rows.seriesEnd(from);
            Sums series = null;
            for (int r = from; r < to; r++) {
                double value = y[r * width];
                if (Double.isNaN(value) || (before != null && !(rows.time(r) < before))) {
                    continue;
                }
                if (series == null) {
                    series = sums.bySeries.computeIfAbsent(String.valueOf(rows.id(from)), k -> new Sums());
                }
                series.add(value);
            }
        }
        return sums;
    }

    /** These sums with {@code other}'s added (this object, changed). */
    SeriesSums add(SeriesSums other) {
        for (Map.Entry<String, Sums> e : other.bySeries.entrySet()) {
            bySeries.computeIfAbsent(e.getKey(), k -> new Sums()).add(e.getValue());
        }
        return this;
    }

    /** These sums as bytes: per series its key, count and exact sum. */
    byte[] toBytes() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(bySeries.size());
            for (Map.Entry<String, Sums> e : bySeries.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().count);
                write(out, e.getValue().sum);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Sums written by {@link #toBytes}. */
    static SeriesSums fromBytes(byte[] bytes) {
        SeriesSums sums = new SeriesSums();
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            int n = in.readInt();
            for (int k = 0; k < n; k++) {
                Sums s = new Sums();
                String key = in.readUTF();
                s.count = in.readLong();
                s.sum = read(in);
                sums.bySeries.put(key, s);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return sums;
    }

    private static void write(java.io.DataOutputStream out, BigDecimal value) throws java.io.IOException {
        byte[] unscaled = value.unscaledValue().toByteArray();
        out.writeInt(value.scale());
        out.writeInt(unscaled.length);
        out.write(unscaled);
    }

    private static BigDecimal read(java.io.DataInputStream in) throws java.io.IOException {
        int scale = in.readInt();
        byte[] unscaled = new byte[in.readInt()];
        in.readFully(unscaled);
        return new BigDecimal(new java.math.BigInteger(unscaled), scale);
    }

    /** The number of series with at least one counted value. */
    int size() {
        return bySeries.size();
    }

    /**
     * Each series' scale: the mean of its absolute values, rounded once from the exact sum ({@link SeriesScaling#of}:
     * 1 for a series of zeros).
     *
     * @param keyColumn the column keying the series, or null (one series)
     */
    SeriesScaling scaling(String keyColumn) {
        int n = bySeries.size();
        String[] keys = new String[n];
        double[] meanAbs = new double[n];
        int k = 0;
        for (Map.Entry<String, Sums> e : bySeries.entrySet()) {
            keys[k] = e.getKey();
            meanAbs[k] = e.getValue().sum.divide(BigDecimal.valueOf(e.getValue().count), MathContext.DECIMAL128)
                    .doubleValue();
            k++;
        }
        return SeriesScaling.of(keyColumn, keys, meanAbs);
    }
}
