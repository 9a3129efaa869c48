package org.sparkrnn.driver;

/** Bad input data, located: {@code data/train.jsonl line 1832: step 7 has 3 features, expected 4 (...)}. */
public final class DataFormatError extends UserError {

    private final String file;
    private final String unit;
    private final String problem;

    public DataFormatError(String file, long line, String problem) {
        this(file, "line", line, problem);
    }

    /** A problem at record {@code number} of {@code file}, counted in {@code unit}s ("line", "row"). */
    public DataFormatError(String file, String unit, long number, String problem) {
        super(file + " " + unit + " " + number + ": " + problem);
        this.file = file;
        this.unit = unit;
        this.problem = problem;
    }

    public DataFormatError(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.unit = "line";
        this.problem = problem;
    }

    /** What is wrong, without where. */
    public String problem() {
        return problem;
    }

    /** The same problem located at {@code line} (for errors found before the line number was known). */
    public DataFormatError atLine(long line) {
        return new DataFormatError(file, unit, line, problem);
    }
}
