package org.sparkrnn.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Windows over stored series, made on demand: the rows of one or more time series are stored once, contiguously,
 * N rows × I input features and N rows × V target values, and a window is the T consecutive rows from one of
 * {@link #starts()}, labelled with the targets of the rows {@code h} steps after its last row, for each {@code h} of
 * the horizons. Materialised windows with stride 1 hold T copies of every value; this holds each value once, and
 * {@link #select} builds only the windows a batch asks for (as a {@link SequenceBatch}, which the kernels read).
 *
 * <p>Label layout, for H horizons and V targets: one row of H × V values per window, horizon-major: the V targets at
 * the first horizon, then the V targets at the second, and so on ({@link #labelIndex}).
 *
 * <p>{@code features} and {@code targets} may be the same array (a single column that is its own target); it is
 * then stored, sent and cached once.
 *
 * <p>Which windows exist (gaps skipped, a series' end, a split by time) is the source's decision, expressed by the
 * starts; every window's rows and label values are checked finite here.
 *
 * <p>Windows may carry a scale each ({@link #scaledBy}, e.g. their series', {@link SeriesScaling}): {@link #select}
 * then gives each window's first feature and label values divided by it, and {@link #labelScales} the scales.
 *
 * <p>For a forecast decoder the windows carry their future rows ({@link #withFuture}): each window's batch then
 * holds the input rows of the steps it predicts ({@link SequenceBatch#future()}), of which only the known columns
 * are read (checked finite here; the target there is the label, or unknown past the data).
 * Immutable; a wire type.
 */
public final class SeriesWindows implements SequenceBlock {

    private static final long serialVersionUID = 1L;

    private final int inputSize;      // I
    private final int targetWidth;    // V
    private final int window;         // T
    private final int[] horizons;     // H values, ascending, each >= 1
    private final double[] features;  // [N × I]
    private final double[] targets;   // [N × V]
    private final int[] starts;       // [W] first row of each window
    private final double[] scales;    // [W] or null: each window's scale
    private final int[] known;        // the columns known in advance, with future rows; null: no future rows

    /**
     * Takes ownership of the arrays; checks every invariant: shapes, each window and its label rows inside the
     * stored rows, and finite values wherever a window reads.
     */
    public SeriesWindows(int inputSize, int targetWidth, int window, int[] horizons, double[] features,
                         double[] targets, int[] starts) {
        this(inputSize, targetWidth, window, horizons, features, targets, starts, null);
    }

    /**
     * As {@link #SeriesWindows(int, int, int, int[], double[], double[], int[])}, each window w with its scale
     * {@code scales[w]} (null: none).
     */
    public SeriesWindows(int inputSize, int targetWidth, int window, int[] horizons, double[] features,
                         double[] targets, int[] starts, double[] scales) {
        this(inputSize, targetWidth, window, horizons, features, targets, starts, scales, null);
    }

    /**
     * As {@link #SeriesWindows(int, int, int, int[], double[], double[], int[], double[])}; with {@code known}
     * (not null) each window's batch carries its future rows, whose {@code known} columns must be finite.
     */
    public SeriesWindows(int inputSize, int targetWidth, int window, int[] horizons, double[] features,
                         double[] targets, int[] starts, double[] scales, int[] known) {
        this.scales = scales;
        this.known = known;
        if (known != null) {
            for (int c : known) {
                if (c < 0 || c >= inputSize) {
                    throw new IllegalArgumentException("known column " + c + " outside the " + inputSize + " inputs");
                }
            }
        }
        if (scales != null) {
            if (scales.length != starts.length) {
                throw new IllegalArgumentException(scales.length + " scales for " + starts.length + " windows");
            }
            for (int w = 0; w < scales.length; w++) {
                if (!(scales[w] > 0) || !Double.isFinite(scales[w])) {
                    throw new IllegalArgumentException("window " + w + ": scale " + scales[w]);
                }
            }
        }
        this.inputSize = inputSize;
        this.targetWidth = targetWidth;
        this.window = window;
        this.horizons = Objects.requireNonNull(horizons, "horizons");
        this.features = Objects.requireNonNull(features, "features");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.starts = Objects.requireNonNull(starts, "starts");
        if (inputSize < 1 || targetWidth < 1 || window < 1) {
            throw new IllegalArgumentException("input size, target width and window must be at least 1, got "
                    + inputSize + ", " + targetWidth + ", " + window);
        }
        if (horizons.length == 0) {
            throw new IllegalArgumentException("at least one horizon is needed");
        }
        for (int k = 0; k < horizons.length; k++) {
            if (horizons[k] < 1 || (k > 0 && horizons[k] <= horizons[k - 1])) {
                throw new IllegalArgumentException("horizons must be ascending and at least 1, got "
                        + Arrays.toString(horizons));
            }
        }
        if (features.length % inputSize != 0) {
            throw new IllegalArgumentException(features.length + " feature values are not rows of " + inputSize);
        }
        int rows = features.length / inputSize;
        if (targets.length != (long) rows * targetWidth) {
            throw new IllegalArgumentException("targets hold " + targets.length + " values, expected " + rows
                    + " rows × " + targetWidth);
        }
        // rows with a value that is not finite, counted before each row: a window reads [start, start + T)
        int[] badBefore = new int[rows + 1];
        for (int r = 0; r < rows; r++) {
            boolean bad = false;
            for (int i = 0; i < inputSize && !bad; i++) {
                bad = !Double.isFinite(features[r * inputSize + i]);
            }
            badBefore[r + 1] = badBefore[r] + (bad ? 1 : 0);
        }
        int last = horizons[horizons.length - 1];
        for (int w = 0; w < starts.length; w++) {
            int start = starts[w];
            if (start < 0 || (long) start + window - 1 + last >= rows) {
                throw new IllegalArgumentException("window " + w + " starts at row " + start + ": its " + window
                        + " steps and horizon " + last + " need rows up to " + ((long) start + window - 1 + last)
                        + ", but there are " + rows);
            }
            if (badBefore[start + window] != badBefore[start]) {
                throw new IllegalArgumentException("window " + w + " (rows " + start + ".." + (start + window - 1)
                        + ") reads a feature that is not finite");
            }
            for (int h : horizons) {
                int row = start + window - 1 + h;
                if (known != null) {
                    for (int c : known) {
                        if (!Double.isFinite(features[row * inputSize + c])) {
                            throw new IllegalArgumentException("window " + w + ": known input " + c + " at row " + row
                                    + " (horizon " + h + ") is " + features[row * inputSize + c]);
                        }
                    }
                }
                for (int v = 0; v < targetWidth; v++) {
                    if (!Double.isFinite(targets[row * targetWidth + v])) {
                        throw new IllegalArgumentException("window " + w + ": target " + v + " at row " + row
                                + " (horizon " + h + ") is " + targets[row * targetWidth + v]);
                    }
                }
            }
        }
    }

    /** W: the number of windows. */
    @Override
    public int size() {
        return starts.length;
    }

    public int inputSize() {
        return inputSize;
    }

    /** V: targets per step. */
    public int targetWidth() {
        return targetWidth;
    }

    /** T: steps per window. */
    public int window() {
        return window;
    }

    /** The horizons, ascending (a copy). */
    public int[] horizons() {
        return horizons.clone();
    }

    /** H × V: the values of one window's label. */
    public int labelWidth() {
        return horizons.length * targetWidth;
    }

    /** Where target {@code v} at the {@code k}-th horizon is in a label row: {@code k × V + v}. */
    public int labelIndex(int k, int v) {
        return k * targetWidth + v;
    }

    /** N: the stored rows. */
    public int rows() {
        return features.length / inputSize;
    }

    /** The first row of each window (a copy). */
    public int[] starts() {
        return starts.clone();
    }

    /**
     * Values held: N × (I + V), or N × I when the targets are the features (one column, its own target: both are
     * the same array); what caching this costs in doubles (windows would cost W × T × I + W × H × V).
     */
    public long storedValues() {
        return (long) features.length + (targets == features ? 0 : targets.length);
    }

    /** The windows {@code which} (indexes into {@link #starts()}), in that order, as sequences with their labels. */
    @Override
    public SequenceBatch select(int... which) {
        int count = which.length;
        int[] lengths = new int[count];
        Arrays.fill(lengths, window);
        double[] x = new double[Math.multiplyExact(Math.multiplyExact(count, window), inputSize)];
        int width = labelWidth();
        double[] y = new double[count * width];
        int stepValues = window * inputSize;
        for (int b = 0; b < count; b++) {
            int start = starts[which[b]];
            System.arraycopy(features, start * inputSize, x, b * stepValues, stepValues);
            int end = start + window - 1;
            for (int k = 0; k < horizons.length; k++) {
                System.arraycopy(targets, (end + horizons[k]) * targetWidth, y, b * width + k * targetWidth,
                        targetWidth);
            }
        }
        if (scales != null) {
            for (int b = 0; b < count; b++) {
                double scale = scales[which[b]];
                for (int t = 0; t < window; t++) {
                    int j = b * stepValues + t * inputSize;
                    x[j] = x[j] / scale;
                }
                for (int v = 0; v < width; v++) {
                    y[b * width + v] = y[b * width + v] / scale;
                }
            }
        }
        double[] future = null;
        if (known != null) {
            // the rows of the predicted steps, as stored: the decoder reads their known columns only
            int futureWidth = horizons.length * inputSize;
            future = new double[count * futureWidth];
            for (int b = 0; b < count; b++) {
                int end = starts[which[b]] + window - 1;
                for (int k = 0; k < horizons.length; k++) {
                    System.arraycopy(features, (end + horizons[k]) * inputSize, future,
                            b * futureWidth + k * inputSize, inputSize);
                }
            }
        }
        SequenceBatch batch = new SequenceBatch(inputSize, lengths, x, null, LabelShape.PER_SEQUENCE, LabelKind.VALUES,
                width, y, null, null, future == null ? 0 : horizons.length, future);
        // the scales go with the batch: a loss in the data's own units (the negative binomial's counts) reads them
        return scales == null ? batch : batch.withLabelScales(labelScales(which));
    }

    /** The windows, their scales and their labels times their scales: the data's own units. */
    @Override
    public void selectForEvaluation(int[] which, EvaluationChunk action) {
        SequenceBatch batch = select(which);
        action.accept(batch, labelScales(which), SequenceBlock.inDataUnits(batch));
    }

    /** The windows' scales, when they carry them ({@link #scaledBy}); else null (all 1). */
    @Override
    public double[] labelScales(int... which) {
        if (scales == null) {
            return null;
        }
        double[] chosen = new double[which.length];
        for (int k = 0; k < which.length; k++) {
            chosen[k] = scales[which[k]];
        }
        return chosen;
    }

    /**
     * These windows, window w divided by {@code scales[w]}: what {@link #select} gives is then x / scale for each
     * window's first feature and label values. The stored rows are shared.
     */
    public SeriesWindows scaledBy(double[] scales) {
        return new SeriesWindows(inputSize, targetWidth, window, horizons, features, targets, starts,
                Objects.requireNonNull(scales, "scales"), known);
    }

    /**
     * These windows with their future rows: each window's batch carries the input rows of the steps it predicts,
     * for a decoder that reads their {@code known} columns (which must be finite). The stored rows are shared.
     */
    public SeriesWindows withFuture(int[] known) {
        return new SeriesWindows(inputSize, targetWidth, window, horizons, features, targets, starts, scales,
                Objects.requireNonNull(known, "known").clone());
    }

    /** The columns known in advance that the future rows are read for; null when the windows carry none. */
    public int[] knownColumns() {
        return known;
    }

    /** Whether the windows carry scales ({@link #scaledBy}). */
    public boolean scaled() {
        return scales != null;
    }

    /** Counts known from the shape: no window is made. */
    @Override
    public DataStatistics countInto(DataStatistics stats, int chunk) {
        // every window: T steps, one label row (of H × V values)
        return size() == 0 ? stats : stats.addCounts(size(), (long) size() * window, size(), window);
    }

    /** The windows, standardised as they are made. */
    @Override
    public SequenceBlock standardized(Standardization standardization) {
        return new TransformedWindows(this, WindowTransform.NONE, standardization);
    }

    /** The windows, each expressed by {@code transform} as it is made (itself for {@link WindowTransform#NONE}). */
    public SequenceBlock transformed(WindowTransform transform) {
        return TransformedWindows.of(this, transform);
    }

    /** Every window, in order. */
    public SequenceBatch all() {
        int[] every = new int[starts.length];
        for (int w = 0; w < every.length; w++) {
            every[w] = w;
        }
        return select(every);
    }

    /**
     * The windows {@code which} only, over just the rows they read (the rows from the first window's start to the
     * last label): a held-out side keeps its own rows, not the whole series'.
     */
    public SeriesWindows subset(int... which) {
        if (which.length == 0) {
            return new SeriesWindows(inputSize, targetWidth, window, horizons, new double[0], new double[0],
                    new int[0], scales == null ? null : new double[0], known);
        }
        int first = Integer.MAX_VALUE;
        int end = 0;
        for (int w : which) {
            first = Math.min(first, starts[w]);
            end = Math.max(end, starts[w] + window + horizons[horizons.length - 1]);
        }
        int[] shifted = new int[which.length];
        for (int k = 0; k < which.length; k++) {
            shifted[k] = starts[which[k]] - first;
        }
        double[] rowFeatures = Arrays.copyOfRange(features, first * inputSize, end * inputSize);
        double[] rowTargets = targets == features ? rowFeatures
                : Arrays.copyOfRange(targets, first * targetWidth, end * targetWidth);
        return new SeriesWindows(inputSize, targetWidth, window, horizons, rowFeatures, rowTargets, shifted,
                labelScales(which), known);
    }

    /**
     * Several pieces as one, in order: their rows one after the other, their windows shifted to match (the windows
     * of piece k come after those of piece k - 1). With no piece, no window of this shape. The pieces carry scales
     * all or none.
     */
    public static SeriesWindows concat(int inputSize, int targetWidth, int window, int[] horizons,
                                       java.util.List<SeriesWindows> pieces) {
        int rows = 0;
        int windows = 0;
        boolean shared = !pieces.isEmpty();
        boolean withScales = !pieces.isEmpty() && pieces.get(0).scaled();
        int[] known = pieces.isEmpty() ? null : pieces.get(0).known;
        for (SeriesWindows piece : pieces) {
            if (piece.scaled() != withScales) {
                throw new IllegalArgumentException("cannot join windows with scales to windows without");
            }
            if (!Arrays.equals(piece.known, known)) {
                throw new IllegalArgumentException("cannot join windows with different future rows");
            }
            if (piece.inputSize != inputSize || piece.targetWidth != targetWidth || piece.window != window
                    || !Arrays.equals(piece.horizons, horizons)) {
                throw new IllegalArgumentException("cannot join " + piece + " to windows of " + window + " steps, I="
                        + inputSize + ", V=" + targetWidth + ", horizons " + Arrays.toString(horizons));
            }
            rows += piece.rows();
            windows += piece.size();
            shared &= piece.features == piece.targets;
        }
        double[] features = new double[rows * inputSize];
        double[] targets = shared ? features : new double[rows * targetWidth];
        int[] starts = new int[windows];
        double[] scales = withScales ? new double[windows] : null;
        int row = 0;
        int w = 0;
        for (SeriesWindows piece : pieces) {
            if (withScales) {
                System.arraycopy(piece.scales, 0, scales, w, piece.size());
            }
            System.arraycopy(piece.features, 0, features, row * inputSize, piece.features.length);
            if (!shared) {
                System.arraycopy(piece.targets, 0, targets, row * targetWidth, piece.targets.length);
            }
            for (int start : piece.starts) {
                starts[w++] = row + start;
            }
            row += piece.rows();
        }
        return new SeriesWindows(inputSize, targetWidth, window, horizons, features, targets, starts, scales, known);
    }

    // the stored arrays themselves, not copies, for the wire serializers (which must not modify them)

    public double[] featureRows() {
        return features;
    }

    public double[] targetRows() {
        return targets;
    }

    public int[] windowStarts() {
        return starts;
    }

    public int[] horizonSteps() {
        return horizons;
    }

    /** Each window's scale, or null (none). */
    public double[] windowScales() {
        return scales;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesWindows s && inputSize == s.inputSize && targetWidth == s.targetWidth
                && window == s.window && Arrays.equals(horizons, s.horizons) && Arrays.equals(features, s.features)
                && Arrays.equals(targets, s.targets) && Arrays.equals(starts, s.starts)
                && Arrays.equals(scales, s.scales) && Arrays.equals(known, s.known);
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputSize, targetWidth, window, Arrays.hashCode(horizons), Arrays.hashCode(starts),
                rows());
    }

    @Override
    public String toString() {
        return "SeriesWindows[" + starts.length + " windows of " + window + " steps over " + rows() + " rows, I="
                + inputSize + ", V=" + targetWidth + ", horizons=" + Arrays.toString(horizons) + "]";
    }

    /** Java serialization writes the same fields as the Kryo serializer and checks them again on arrival. */
    private Object writeReplace() {
        return new SerializedForm(inputSize, targetWidth, window, horizons, features, targets, starts, scales, known);
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("SeriesWindows travel as their SerializedForm");
    }

    private record SerializedForm(int inputSize, int targetWidth, int window, int[] horizons, double[] features,
                                  double[] targets, int[] starts, double[] scales, int[] known)
            implements java.io.Serializable {
        private Object readResolve() {
            return new SeriesWindows(inputSize, targetWidth, window, horizons, features, targets, starts, scales,
                    known);
        }
    }
}
