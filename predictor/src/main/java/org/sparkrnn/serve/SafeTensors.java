package org.sparkrnn.serve;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format (what {@code safetensors.torch.save_file} writes): an 8-byte little-endian header length,
 * a JSON header mapping each tensor name to its dtype, shape and byte range ({@code data_offsets}, relative to the
 * end of the header) plus an optional {@code __metadata__} map of strings, then the raw little-endian data. The header
 * is padded with spaces to a multiple of 8 bytes, as the reference implementation does. Reads and writes F64 and
 * F32; reading also accepts F16 and BF16.
 */
public final class SafeTensors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    /** A tensor with its values held as doubles whatever its stored dtype. */
    public record Tensor(String dtype, long[] shape, double[] values) {
        public Tensor {
            long elements = 1;
            for (long dim : shape) {
                elements *= dim;
            }
            if (elements != values.length) {
                throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " holds " + elements
                        + " values, got " + values.length);
            }
            bytesPer(dtype);
        }
    }

    /** The tensors in file order and the metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long size = (long) t.values().length * bytesPer(t.dtype());
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", t.dtype());
            var shape = entry.putArray("shape");
            for (long dim : t.shape()) {
                shape.add(dim);
            }
            entry.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.write(prefix.array());
        out.write(json);
        for (int i = json.length; i < padded; i++) {
            out.write(' ');
        }
        for (Tensor t : tensors.values()) {
            int width = bytesPer(t.dtype());
            ByteBuffer data = ByteBuffer.allocate(t.values().length * width).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : t.values()) {
                if (width == 8) {
                    data.putDouble(v);
                } else {
                    data.putFloat((float) v);
                }
            }
            out.write(data.array());
        }
        out.flush();
    }

    /** Reads a whole file; {@code source} names it in errors. */
    public static Contents read(InputStream in, String source) throws IOException {
        byte[] all = in.readAllBytes();
        if (all.length < 8) {
            throw new ModelFileException(source, "not a safetensors file (shorter than its 8-byte header length)");
        }
        long headerLength = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > all.length) {
            throw new ModelFileException(source, "not a safetensors file (header length " + headerLength + ")");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(all, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ModelFileException(source, "the safetensors header is not valid JSON");
        }
        int dataStart = 8 + (int) headerLength;
        long dataLength = all.length - dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals("__metadata__")) {
                e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode entry = e.getValue();
            String dtype = entry.path("dtype").asText();
            int width;
            try {
                width = bytesPer(dtype);
            } catch (IllegalArgumentException ex) {
                throw new ModelFileException(source, "tensor '" + e.getKey() + "' has dtype " + dtype
                        + ", expected F64, F32, F16 or BF16");
            }
            long[] shape = new long[entry.path("shape").size()];
            long elements = 1;
            for (int d = 0; d < shape.length; d++) {
                shape[d] = entry.path("shape").get(d).asLong();
                elements *= shape[d];
            }
            long begin = entry.path("data_offsets").path(0).asLong(-1);
            long end = entry.path("data_offsets").path(1).asLong(-1);
            if (begin < 0 || end < begin || end > dataLength || end - begin != elements * width) {
                throw new ModelFileException(source, "tensor '" + e.getKey() + "' has data_offsets [" + begin + ", " + end
                        + "] that do not fit its shape and the file");
            }
            ByteBuffer data = ByteBuffer.wrap(all, dataStart + (int) begin, (int) (end - begin))
                    .order(ByteOrder.LITTLE_ENDIAN);
            double[] values = new double[(int) elements];
            for (int i = 0; i < values.length; i++) {
                values[i] = switch (dtype) {
                    case "F64" -> data.getDouble();
                    case "F32" -> data.getFloat();
                    case "F16" -> halfToFloat(data.getShort());
                    default -> Float.intBitsToFloat((data.getShort() & 0xFFFF) << 16); // BF16
                };
            }
            tensors.put(e.getKey(), new Tensor(dtype, shape, values));
        }
        return new Contents(tensors, metadata);
    }

    /** The bytes of a whole file, for writing through any stream. */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, tensors, metadata);
        return out.toByteArray();
    }

    /** IEEE 754 binary16 to float (Java 17 lacks Float.float16ToFloat). */
    public static float halfToFloat(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // subnormal (or zero)
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static int bytesPer(String dtype) {
        return switch (dtype) {
            case "F64" -> 8;
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IllegalArgumentException("unsupported dtype " + dtype);
        };
    }
}
