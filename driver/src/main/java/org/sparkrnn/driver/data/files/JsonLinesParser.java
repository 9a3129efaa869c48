package org.sparkrnn.driver.data.files;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.data.records.RecordChecker;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.SequenceRecord;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON Lines record per sequence:
 * <pre>
 *   {"features": [[x11, x12, ...], [x21, ...], ...], "label": y}
 *   {"features": [[...], ...], "labels": [y1, null, y3, ...]}      (one entry per step, null = unlabelled)
 * </pre>
 * where a label is a number (regression, one output), an array of numbers (regression, V outputs) or an integer
 * class id (classification). Other fields are ignored. Every problem is reported with the file and line.
 */
public final class JsonLinesParser implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Accepts NaN and Infinity tokens so that they are reported as what they are, not as malformed JSON. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private final String file;
    private final RecordChecker checker;

    public JsonLinesParser(String file, RecordShape shape) {
        this.file = file;
        this.checker = new RecordChecker(file, "line", shape);
    }

    /**
     * The shape of the data set, from its first record.
     *
     * @param classification labels are class ids (else values)
     * @param classes        K when known, 0 to infer it from the data
     * @param requireLabels  false for prediction, where labels are ignored
     */
    public static RecordShape inferShape(String file, long line, String json, boolean classification, int classes,
                                         boolean requireLabels) {
        return RecordChecker.inferShape(file, "line", line, parseRaw(file, line, json), classification, classes,
                requireLabels);
    }

    /** Parses one line and appends the sequence to {@code builder}, or throws naming the file, line and problem. */
    public void parseInto(String json, long line, SequenceBatch.Builder builder) {
        checker.addInto(parseRaw(file, line, json), line, builder);
    }

    /**
     * As {@link #parseInto(String, long, SequenceBatch.Builder)} for one line's UTF-8 bytes, read without decoding
     * them to a string. Errors carry line 0 until the caller locates them ({@link DataFormatError#atLine}).
     */
    public void parseInto(byte[] utf8, int length, SequenceBatch.Builder builder) {
        checker.addInto(parseRaw(file, 0, utf8, length), 0, builder);
    }

    /**
     * One line's record for prediction, checked against the shape (labels ignored), with its other scalar fields
     * (strings, numbers as Long or Double, booleans; nested values are skipped) as keys in their order.
     */
    public SequenceRecord parseKeyed(byte[] utf8, int length) {
        SequenceRecord record = new SequenceRecord();
        record.keys = new java.util.LinkedHashMap<>();
        try {
            parseRaw(file, 0, FACTORY.createParser(utf8, 0, length), record);
        } catch (IOException e) {
            throw new DataFormatError(file, 0, "unreadable: " + e.getMessage());
        }
        checker.checkFeatures(record, 0);
        return record;
    }

    private static SequenceRecord parseRaw(String file, long line, String json) {
        try {
            return parseRaw(file, line, FACTORY.createParser(json));
        } catch (IOException e) {
            throw new DataFormatError(file, line, "unreadable: " + e.getMessage());
        }
    }

    private static SequenceRecord parseRaw(String file, long line, byte[] utf8, int length) {
        try {
            return parseRaw(file, line, FACTORY.createParser(utf8, 0, length));
        } catch (IOException e) {
            throw new DataFormatError(file, line, "unreadable: " + e.getMessage());
        }
    }

    private static SequenceRecord parseRaw(String file, long line, JsonParser parser) {
        return parseRaw(file, line, parser, new SequenceRecord());
    }

    private static SequenceRecord parseRaw(String file, long line, JsonParser parser, SequenceRecord raw) {
        try (JsonParser p = parser) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new DataFormatError(file, line, "expected a JSON object {\"features\": ..., \"label\": ...}");
            }
            boolean hasFeatures = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "features" -> {
                        readSteps(p, value, raw.steps, file, line);
                        hasFeatures = true;
                    }
                    case "label" -> {
                        raw.setLabel(readLabel(p, value, file, line, "label"));
                    }
                    case "labels" -> {
                        raw.setLabels(readLabels(p, value, file, line));
                    }
                    default -> {
                        if (raw.keys != null && value.isScalarValue()) {
                            raw.keys.put(name, switch (value) {
                                case VALUE_STRING -> p.getText();
                                case VALUE_NUMBER_INT -> p.getLongValue();
                                case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                                case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
                                default -> null;
                            });
                        }
                        p.skipChildren();
                    }
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new DataFormatError(file, line, "unexpected content after the JSON object");
            }
            if (!hasFeatures) {
                throw new DataFormatError(file, line, "no \"features\" field");
            }
            if (raw.steps.isEmpty()) {
                throw new DataFormatError(file, line, "the sequence is empty (\"features\" has no step)");
            }
            if (raw.hasLabel && raw.hasLabels) {
                throw new DataFormatError(file, line, "has both \"label\" and \"labels\"; use one");
            }
        } catch (JsonProcessingException e) {
            String problem = e.getOriginalMessage().split("\n")[0].replaceFirst(" \\(start marker at .*", "");
            throw new DataFormatError(file, line, "malformed JSON: " + problem + " at column "
                    + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new DataFormatError(file, line, "unreadable: " + e.getMessage());
        }
        return raw;
    }

    private static void readSteps(JsonParser p, JsonToken value, List<double[]> steps, String file, long line)
            throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new DataFormatError(file, line, "\"features\" must be an array of steps, each an array of numbers");
        }
        double[] buffer = new double[16];
        for (JsonToken step = p.nextToken(); step != JsonToken.END_ARRAY; step = p.nextToken()) {
            int t = steps.size();
            if (step != JsonToken.START_ARRAY) {
                throw new DataFormatError(file, line, "step " + t + " must be an array of numbers, got " + describe(step));
            }
            int n = 0;
            for (JsonToken x = p.nextToken(); x != JsonToken.END_ARRAY; x = p.nextToken()) {
                if (!x.isNumeric()) {
                    throw new DataFormatError(file, line, "step " + t + " feature " + n + " is " + describe(x)
                            + ", expected a number");
                }
                double v = p.getDoubleValue();
                if (!Double.isFinite(v)) {
                    throw new DataFormatError(file, line, "step " + t + " feature " + n + " is " + p.getText()
                            + ", expected a finite number");
                }
                if (n == buffer.length) {
                    buffer = java.util.Arrays.copyOf(buffer, n * 2);
                }
                buffer[n++] = v;
            }
            steps.add(java.util.Arrays.copyOf(buffer, n));
        }
    }

    private static Object readLabel(JsonParser p, JsonToken value, String file, long line, String what)
            throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value.isNumeric()) {
            return finite(p.getDoubleValue(), p, file, line, what);
        }
        if (value == JsonToken.START_ARRAY) {
            List<Double> values = new ArrayList<>();
            for (JsonToken x = p.nextToken(); x != JsonToken.END_ARRAY; x = p.nextToken()) {
                if (!x.isNumeric()) {
                    throw new DataFormatError(file, line, what + " must hold numbers, got " + describe(x));
                }
                values.add(finite(p.getDoubleValue(), p, file, line, what));
            }
            return values.stream().mapToDouble(Double::doubleValue).toArray();
        }
        throw new DataFormatError(file, line, what + " must be a number or an array of numbers, got " + describe(value));
    }

    private static List<Object> readLabels(JsonParser p, JsonToken value, String file, long line) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new DataFormatError(file, line, "\"labels\" must be an array with one entry per step");
        }
        List<Object> labels = new ArrayList<>();
        for (JsonToken x = p.nextToken(); x != JsonToken.END_ARRAY; x = p.nextToken()) {
            labels.add(readLabel(p, x, file, line, "step " + labels.size() + " label"));
        }
        return labels;
    }

    private static Double finite(double v, JsonParser p, String file, long line, String what) throws IOException {
        if (!Double.isFinite(v)) {
            throw new DataFormatError(file, line, what + " is " + p.getText() + ", expected a finite number");
        }
        return v;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }
}
