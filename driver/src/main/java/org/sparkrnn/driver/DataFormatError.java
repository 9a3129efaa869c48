package org.sparkrnn.driver;

/** Bad input data, located: {@code data/train.jsonl line 1832: step 7 has 3 features, expected 4 (...)}. */
public final class DataFormatError extends UserError {

    public DataFormatError(String file, long line, String problem) {
        super(file + " line " + line + ": " + problem);
    }

    public DataFormatError(String file, String problem) {
        super(file + ": " + problem);
    }
}
