"""Predicts with an `lstm-spark export` file in PyTorch, as the README shows: divide each window's first feature by
its series' scale when the metadata says so (sparkrnn.series_scaled: the table beside the export, EXPORT.series.csv,
key,scale; a series not in it by the mean of the window's absolute first feature), express each window by its own origin
and scale when the metadata says so (sparkrnn.relative_to_last, sparkrnn.window_scaled: the first feature x becomes
(x - o) / s, o the window's last value or its mean, s its standard deviation, or its level when it does not vary),
standardise the inputs with the exported statistics, run torch.nn.LSTM + torch.nn.Linear on the last step (with a
forecast decoder, sparkrnn.decoder_known_inputs: per predicted step s, Linear(relu(decoder([h ; known inputs of that
step's row, standardised])))), undo the target standardisation, then y * s + o, then times the series' scale. The
modules and the inputs take the export's precision (float32 or float64), and every tensor is used as stored: a
statistic in another precision than the weights would turn float32 inputs into float64, which float32 modules refuse.

usage: predict_from_export.py EXPORT.safetensors INPUT.jsonl LAYERS HIDDEN   (prints one JSON number per line)
Each input line is {"features": [[...], ...]}, with "key": the series, for a model that scales each series, and
"future": [[...], ...] (the input rows of the steps it predicts) for a model with a decoder.
Reads safetensors with the standard library (the format: 8-byte little-endian header length, JSON header, data).
"""
import csv
import json
import struct
import sys

import torch

DTYPES = {"F64": torch.float64, "F32": torch.float32}


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=DTYPES[entry["dtype"]])
        tensors[name] = t.reshape(entry["shape"])
    return tensors, header.get("__metadata__", {})


def main():
    export, inputs, layers, hidden = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    w, metadata = load_safetensors(export)
    lines = [json.loads(line) for line in open(inputs) if line.strip()]
    features = [line["features"] for line in lines]
    series_scales = None
    if metadata.get("sparkrnn.series_scaled"):
        table = export[:-len(".safetensors")] + ".series.csv"
        with open(table, newline="") as f:
            series_scales = {row["key"]: float(row["scale"]) for row in csv.DictReader(f)}
    size = len(features[0][0])
    dtype = w["head.weight"].dtype
    mixed = sorted(name for name, t in w.items() if t.dtype != dtype)
    if mixed:
        sys.exit("tensors in another precision than the weights (%s): %s" % (dtype, ", ".join(mixed)))
    lstm = torch.nn.LSTM(size, hidden, num_layers=layers, batch_first=True).to(dtype)
    head = torch.nn.Linear(hidden, w["head.weight"].shape[0]).to(dtype)
    lstm.load_state_dict({k[5:]: v for k, v in w.items() if k.startswith("lstm.")}, strict=True)
    decoder = None
    known = None
    if "decoder.weight" in w:  # the forecast decoder: one shared MLP per predicted step
        known = [int(i) for i in metadata["sparkrnn.decoder_known_inputs"].split(",") if i]
        decoder = torch.nn.Linear(w["decoder.weight"].shape[1], w["decoder.weight"].shape[0]).to(dtype)
        decoder.load_state_dict({k[8:]: v for k, v in w.items() if k.startswith("decoder.")}, strict=True)
        head = torch.nn.Linear(w["head.weight"].shape[1], w["head.weight"].shape[0]).to(dtype)
    head.load_state_dict({k[5:]: v for k, v in w.items() if k.startswith("head.")}, strict=True)
    from_last = metadata.get("sparkrnn.relative_to_last") == "true"
    scaled = metadata.get("sparkrnn.window_scaled") == "true"
    with torch.no_grad():
        for line, sequence in zip(lines, features):
            x = torch.tensor([sequence], dtype=dtype)
            series_scale = 1.0
            if series_scales is not None:
                key = str(line.get("key"))
                if key in series_scales:
                    series_scale = series_scales[key]
                else:  # a series the model never saw: the mean of the window's absolute first feature, or 1
                    series_scale = x[0, :, 0].abs().mean().item() or 1.0
                x = x.clone()
                x[:, :, 0] = x[:, :, 0] / series_scale
            first = x[:, :, 0]
            mean = first.mean(dim=1)
            origin = first[:, -1] if from_last else mean if scaled else torch.zeros_like(mean)
            scale = torch.ones_like(mean)
            if scaled:
                scale = first.std(dim=1, unbiased=False)
                if scale.item() == 0:  # a flat window: its level, or 1
                    level = origin if origin.item() != 0 else mean
                    scale = level.abs() if level.item() != 0 else torch.ones_like(mean)
            x = x.clone()
            x[:, :, 0] = (first - origin[:, None]) / scale[:, None]
            if "standardize.feature_mean" in w:
                x = (x - w["standardize.feature_mean"]) / w["standardize.feature_std"]
            out, _ = lstm(x)
            if decoder is None:
                y = head(out[:, -1])
            else:
                f = torch.tensor([line["future"]], dtype=dtype)           # 1, S, I
                if "standardize.feature_mean" in w:
                    f = (f - w["standardize.feature_mean"]) / w["standardize.feature_std"]
                steps = f.shape[1]
                z = torch.cat([out[:, -1:].expand(-1, steps, -1), f[:, :, known]], dim=2)
                y = head(torch.relu(decoder(z))).reshape(1, -1)
            if "standardize.target_mean" in w:
                y = y * w["standardize.target_std"] + w["standardize.target_mean"]
            y = y * scale[:, None] + origin[:, None]
            y = y * series_scale
            print(json.dumps(y[0].double().tolist()))


if __name__ == "__main__":
    main()
