"""Writes torch_lstm.safetensors and torch_rnn.safetensors the way safetensors.torch.save_file lays them out (8-byte
little-endian header length, JSON header sorted by dtype then name, padded with spaces to 8 bytes, raw little-endian
data), from real torch modules, plus torch_forward.txt: each model's head output at every step for fixed inputs.
SafeTensorsTest loads the files and must reproduce the outputs. Run with Debian's python3-torch:
    /usr/bin/python3 torch_lstm_safetensors.py"""
import torch
from safetensors_writer import save

torch.manual_seed(7)
torch.set_default_dtype(torch.float64)

x = torch.randn(5, 2, 3)  # T, B, I
lines = []
for kind, module in (("lstm", torch.nn.LSTM(3, 4, num_layers=2)), ("rnn", torch.nn.RNN(3, 4, num_layers=2))):
    head = torch.nn.Linear(4, 2)
    with torch.no_grad():
        out, _ = module(x)
        y = head(out)  # T, B, 2
    tensors = {f"{kind}.{n}": p for n, p in module.named_parameters()}
    tensors.update({f"head.{n}": p for n, p in head.named_parameters()})
    save(f"torch_{kind}.safetensors", tensors)
    lines.append(f"model {kind}")
    for b in range(2):
        lines.append("input " + " ".join(repr(float(v)) for v in x[:, b, :].flatten()))
        lines.append("output " + " ".join(repr(float(v)) for v in y[:, b, :].flatten()))
with open("torch_forward.txt", "w") as f:
    f.write(f"# torch {torch.__version__}: 2 sequences of T=5 steps, I=3; two layers of H=4; head with 2 outputs\n")
    f.write("\n".join(lines) + "\n")
