package org.sparkrnn.driver.predict;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparkrnn.driver.data.frame.FrameColumns;

import java.util.ArrayList;
import java.util.List;

/** {@link ScoredRows} of external {@code Row}s, each value converted from Spark's binary form (boxed). */
final class ExternalRows implements ScoredRows<Row> {

    private static final long serialVersionUID = 1L;

    private final FrameColumns features;
    private final FrameColumns future;

    /** Sequences in column {@code featuresCol}, a decoder's future rows in {@code futureCol} (null: none). */
    ExternalRows(String featuresCol, String futureCol) {
        this.features = new FrameColumns(featuresCol, null, false);
        this.future = futureCol == null ? null : new FrameColumns(futureCol, null, false);
    }

    @Override
    public List<double[]> steps(Row row, int index, boolean isFuture, String source, long number) {
        return (isFuture ? future : features).readFeatures(row, index, source, number).steps;
    }

    @Override
    public Object key(Row row, int index) {
        return row.get(index);
    }

    @Override
    public Row keep(Row row) {
        return row;
    }

    @Override
    public String describe(Row row, int featuresIndex, int partition, long number) {
        String[] names = row.schema() == null ? null : row.schema().fieldNames();
        List<Object> values = new ArrayList<>(row.length());
        for (int j = 0; j < row.length(); j++) {
            values.add(row.get(j));
        }
        return describe(names, values, featuresIndex, partition, number);
    }

    /**
     * {@code row 12 of partition 3 {id=17, city=Oslo}}: up to four columns' values but the features, shortened (a
     * streaming micro-batch or a shuffled DataFrame has no stable row number; its key does).
     */
    static String describe(String[] names, List<Object> values, int featuresIndex, int partition, long number) {
        StringBuilder text = new StringBuilder("row " + number + " of partition " + partition);
        List<String> shown = new ArrayList<>();
        for (int j = 0; j < values.size() && shown.size() < 4; j++) {
            if (j == featuresIndex) {
                continue;
            }
            String value = String.valueOf(values.get(j));
            if (value.length() > 40) {
                value = value.substring(0, 37) + "...";
            }
            shown.add((names == null ? "column " + j : names[j]) + "=" + value);
        }
        if (!shown.isEmpty()) {
            text.append(" {").append(String.join(", ", shown)).append('}');
        }
        return text.toString();
    }

    @Override
    public Row append(Row in, Object[] appended) {
        Object[] values = new Object[in.length() + appended.length];
        for (int j = 0; j < in.length(); j++) {
            values[j] = in.get(j);
        }
        System.arraycopy(appended, 0, values, in.length(), appended.length);
        return RowFactory.create(values);
    }
}
