package org.sparkrnn.driver.data;

import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What each partition of a table sorted by (series, time) needs from the others to cut the windows that start in it
 * ({@link LongTableSource}): its first series' rows just before it, its last series' rows just after it, the row
 * number its first row has within its series, and whether its last series ends within reach. Computed on the driver
 * from each partition's first and last rows and counts (one small job); travels with the cutting tasks.
 */
final class TableEdges implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Row[][] before;
    private final Row[][] after;
    private final long[] firstOffset;
    private final boolean[] lastEnds;

    private TableEdges(Row[][] before, Row[][] after, long[] firstOffset, boolean[] lastEnds) {
        this.before = before;
        this.after = after;
        this.firstOffset = firstOffset;
        this.lastEnds = lastEnds;
    }

    /** Every series whole in its partition: nothing from the neighbours. */
    static TableEdges none(int partitions) {
        boolean[] ends = new boolean[partitions];
        Arrays.fill(ends, true);
        return new TableEdges(new Row[partitions][0], new Row[partitions][0], new long[partitions], ends);
    }

    /** From the partitions' summaries: [partition, rows, first series' rows, last series' rows, head, tail]. */
    static TableEdges of(List<Object[]> summaries, int reach) {
        int partitions = summaries.size();
        long[] rows = new long[partitions];
        long[] firstRows = new long[partitions];
        long[] lastRows = new long[partitions];
        Row[][] heads = new Row[partitions][];
        Row[][] tails = new Row[partitions][];
        for (Object[] s : summaries) {
            int p = (Integer) s[0];
            rows[p] = (Long) s[1];
            firstRows[p] = (Long) s[2];
            lastRows[p] = (Long) s[3];
            heads[p] = (Row[]) s[4];
            tails[p] = (Row[]) s[5];
        }
        Row[][] before = new Row[partitions][];
        Row[][] after = new Row[partitions][];
        long[] offsets = new long[partitions];
        boolean[] ends = new boolean[partitions];
        for (int p = 0; p < partitions; p++) {
            before[p] = new Row[0];
            after[p] = new Row[0];
            ends[p] = true;
            if (rows[p] == 0) {
                continue;
            }
            Object first = heads[p][0].get(0);
            java.util.LinkedList<Row> earlier = new java.util.LinkedList<>();
            for (int q = p - 1; q >= 0; q--) {
                if (rows[q] == 0) {
                    continue;
                }
                if (!Objects.equals(tails[q][tails[q].length - 1].get(0), first)) {
                    break;
                }
                offsets[p] += lastRows[q];
                int take = (int) Math.min(lastRows[q], tails[q].length);
                for (int r = tails[q].length - 1; r >= tails[q].length - take && earlier.size() < reach; r--) {
                    earlier.addFirst(tails[q][r]);
                }
                if (lastRows[q] < rows[q]) {
                    break; // the series starts in q
                }
            }
            before[p] = earlier.toArray(new Row[0]);
            Object last = tails[p][tails[p].length - 1].get(0);
            List<Row> later = new ArrayList<>();
            for (int q = p + 1; q < partitions && later.size() <= reach; q++) {
                if (rows[q] == 0) {
                    continue;
                }
                if (!Objects.equals(heads[q][0].get(0), last)) {
                    break;
                }
                int take = (int) Math.min(firstRows[q], heads[q].length);
                for (int r = 0; r < take && later.size() <= reach; r++) {
                    later.add(heads[q][r]);
                }
                if (firstRows[q] < rows[q]) {
                    break; // the series ends in q
                }
            }
            ends[p] = later.size() <= reach;
            after[p] = later.subList(0, Math.min(later.size(), reach)).toArray(new Row[0]);
        }
        return new TableEdges(before, after, offsets, ends);
    }

    SeriesCutter.Rows before(int p, TableRowReader reader) {
        return reader.read(Arrays.asList(before[p]).iterator());
    }

    SeriesCutter.Rows after(int p, TableRowReader reader) {
        return reader.read(Arrays.asList(after[p]).iterator());
    }

    long firstOffset(int p) {
        return firstOffset[p];
    }

    boolean lastEnds(int p) {
        return lastEnds[p];
    }
}
