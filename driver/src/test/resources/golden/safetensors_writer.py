"""save(): writes tensors the way safetensors.torch.save_file lays them out (8-byte little-endian header length, JSON
header sorted by name (all F64), padded with spaces to 8 bytes, raw little-endian data). Shared by the golden
generators beside it."""
import json, struct


def save(path, tensors):
    # safetensors orders by (alignment desc, name); all tensors here are F64, so by name
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        data = t.numpy().astype("<f8").tobytes()
        header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)
