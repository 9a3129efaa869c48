package org.sparkrnn.driver.data.table;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Objects;

/**
 * What each partition of a table sorted by (series, time) needs from the others to cut the windows that start in it
 * (the long-table source): its first series' rows just before it, its last series' rows just after it, the row
 * number its first row has within its series, and whether its last series ends within reach. Computed on the driver
 * from each partition's {@link Summary} (its first and last rows and counts, taken in the pass that reads it);
 * travels with the cutting tasks.
 */
public final class TableEdges implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * One partition's edges: its row count, how many of its first rows belong to its first series and of its last
     * rows to its last series, its first and last {@code k} rows, and the steps between its consecutive rows
     * ({@link TimeSteps.StepCounts} as bytes; null for a table without a time column). A task result (a class, not a
     * record: Kryo 4 cannot write records).
     */
    static final class Summary implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int partition;
        private final long rows;
        private final long firstSeriesRows;
        private final long lastSeriesRows;
        private final TableRows head;
        private final TableRows tail;
        private final byte[] steps;

        Summary(int partition, long rows, long firstSeriesRows, long lastSeriesRows, TableRows head,
                TableRows tail, TimeSteps.StepCounts steps) {
            this.steps = steps == null ? null : steps.toBytes();
            this.partition = partition;
            this.rows = rows;
            this.firstSeriesRows = firstSeriesRows;
            this.lastSeriesRows = lastSeriesRows;
            this.head = head;
            this.tail = tail;
        }

        int partition() {
            return partition;
        }

        long rows() {
            return rows;
        }

        long firstSeriesRows() {
            return firstSeriesRows;
        }

        long lastSeriesRows() {
            return lastSeriesRows;
        }

        TableRows head() {
            return head;
        }

        TableRows tail() {
            return tail;
        }

        /** The steps between this partition's consecutive rows (of the same series), or null without a time. */
        TimeSteps.StepCounts steps() {
            return steps == null ? null : TimeSteps.StepCounts.fromBytes(steps);
        }
    }

    /**
     * Partition {@code partition}'s summary from its rows read whole: the same as {@link TableRowReader#summarize}
     * gives while streaming them.
     */
    static Summary summary(int partition, TableRows rows, int k, TimeSteps times) {
        int n = rows.size();
        return new Summary(partition, n, n == 0 ? 0 : rows.seriesEnd(0), n == 0 ? 0 : n - rows.seriesStart(n - 1),
                rows.slice(0, Math.min(k, n)), rows.slice(Math.max(0, n - k), n),
                times == null ? null : new TimeSteps.StepCounts().add(times, rows));
    }

    /**
     * Every step between consecutive rows of a series in the whole table: each partition's own ({@code summaries}, in
     * any order) and those across the edges between partitions (a series' last row in one, its next in the next
     * partition with rows).
     */
    static TimeSteps.StepCounts steps(List<Summary> summaries, TimeSteps times) {
        Summary[] s = new Summary[summaries.size()];
        for (Summary summary : summaries) {
            s[summary.partition()] = summary;
        }
        TimeSteps.StepCounts all = new TimeSteps.StepCounts();
        TableRows previous = null; // the last row of the partitions so far
        for (Summary summary : s) {
            if (summary.rows() == 0) {
                continue;
            }
            all.add(summary.steps());
            TableRows first = summary.head().slice(0, 1);
            if (previous != null) {
                all.add(times, concat(first, List.of(previous, first)));
            }
            previous = summary.tail().slice(summary.tail().size() - 1, summary.tail().size());
        }
        return all;
    }

    private final TableRows[] before;
    private final TableRows[] after;
    private final long[] firstOffset;
    private final boolean[] lastEnds;
    private final long[] rows; // each partition's own rows (-1: not counted)

    private TableEdges(TableRows[] before, TableRows[] after, long[] firstOffset, boolean[] lastEnds,
                       long[] rows) {
        this.rows = rows;
        this.before = before;
        this.after = after;
        this.firstOffset = firstOffset;
        this.lastEnds = lastEnds;
    }

    /** Every series whole in its partition: nothing from the neighbours. */
    static TableEdges none(int partitions, TableRows empty) {
        TableRows[] nothing = new TableRows[partitions];
        java.util.Arrays.fill(nothing, empty);
        boolean[] ends = new boolean[partitions];
        java.util.Arrays.fill(ends, true);
        long[] uncounted = new long[partitions];
        java.util.Arrays.fill(uncounted, -1);
        return new TableEdges(nothing, nothing, new long[partitions], ends, uncounted);
    }

    /** From the partitions' summaries (in any order), for windows that read {@code reach} rows from their first. */
    static TableEdges of(List<Summary> summaries, int reach, TableRows empty) {
        int partitions = summaries.size();
        Summary[] s = new Summary[partitions];
        for (Summary summary : summaries) {
            s[summary.partition()] = summary;
        }
        TableRows[] before = new TableRows[partitions];
        TableRows[] after = new TableRows[partitions];
        long[] offsets = new long[partitions];
        boolean[] ends = new boolean[partitions];
        for (int p = 0; p < partitions; p++) {
            before[p] = empty;
            after[p] = empty;
            ends[p] = true;
            if (s[p].rows() == 0) {
                continue;
            }
            Object first = s[p].head().id(0);
            LinkedList<TableRows> earlier = new LinkedList<>();
            int earlierRows = 0;
            for (int q = p - 1; q >= 0; q--) {
                if (s[q].rows() == 0) {
                    continue;
                }
                TableRows tail = s[q].tail();
                if (!Objects.equals(tail.id(tail.size() - 1), first)) {
                    break;
                }
                offsets[p] += s[q].lastSeriesRows();
                int take = (int) Math.min(Math.min(s[q].lastSeriesRows(), tail.size()), reach - earlierRows);
                if (take > 0) {
                    earlier.addFirst(tail.slice(tail.size() - take, tail.size()));
                    earlierRows += take;
                }
                if (s[q].lastSeriesRows() < s[q].rows()) {
                    break; // the series starts in q
                }
            }
            before[p] = earlier.isEmpty() ? empty : concat(empty, earlier);
            TableRows ownTail = s[p].tail();
            Object last = ownTail.id(ownTail.size() - 1);
            List<TableRows> later = new ArrayList<>();
            int laterRows = 0;
            for (int q = p + 1; q < partitions && laterRows <= reach; q++) {
                if (s[q].rows() == 0) {
                    continue;
                }
                TableRows head = s[q].head();
                if (!Objects.equals(head.id(0), last)) {
                    break;
                }
                int take = (int) Math.min(Math.min(s[q].firstSeriesRows(), head.size()), reach + 1 - laterRows);
                later.add(head.slice(0, take));
                laterRows += take;
                if (s[q].firstSeriesRows() < s[q].rows()) {
                    break; // the series ends in q
                }
            }
            ends[p] = laterRows <= reach;
            TableRows joined = later.isEmpty() ? empty : concat(empty, later);
            after[p] = joined.size() > reach ? joined.slice(0, reach) : joined;
        }
        long[] counts = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            counts[p] = s[p].rows();
        }
        return new TableEdges(before, after, offsets, ends, counts);
    }

    private static TableRows concat(TableRows like, List<TableRows> parts) {
        return TableRows.concat(like.inputSize(), like.targetWidth(), like.format(), parts);
    }

    /** The partitions of the ordered table. */
    int partitions() {
        return before.length;
    }

    TableRows before(int p) {
        return before[p];
    }

    TableRows after(int p) {
        return after[p];
    }

    /** The windows that start in partition p's own rows, from its rows read with those around it. */
    SeriesCutter.Cut cut(SeriesCutter cutter, int p, TableRows extended) {
        return cutter.cut(extended, before[p].size(), extended.size() - before[p].size() - after[p].size(),
                firstOffset[p], lastEnds[p]);
    }

    /** The prediction windows that start in partition p's own rows (see {@link #cut}). */
    SeriesCutter.Inputs inputWindows(SeriesCutter cutter, int p, TableRows extended) {
        return cutter.inputWindows(extended, before[p].size(),
                extended.size() - before[p].size() - after[p].size(), firstOffset[p], lastEnds[p]);
    }

    /** Partition p's own rows, or -1 when they were not counted (every series whole in its partition). */
    long rows(int p) {
        return rows[p];
    }

    long firstOffset(int p) {
        return firstOffset[p];
    }

    boolean lastEnds(int p) {
        return lastEnds[p];
    }
}
