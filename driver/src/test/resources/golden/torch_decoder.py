"""Writes torch_decoder.safetensors and torch_decoder.txt: the forecast decoder of MQ-RNN ("local MLP") behind a
2-layer LSTM, as the documented PyTorch module in docs/forecasting.md builds it. Per window, the LSTM reads the
window's rows; for each predicted step s a shared MLP reads [h_n of the top layer ; the known inputs of step s]
(here input columns 1 and 2 of that step's row: a known covariate and a static) and gives that step's 2 values.
The file holds, for 3 windows of different lengths (packed), their rows, their future rows, the outputs, the
targets, and the gradient of sum((y - target)^2) for every parameter. TorchDecoderGoldenTest reproduces them.
Run with Debian's python3-torch:
    /usr/bin/python3 torch_decoder.py"""
import torch
from safetensors_writer import save
from torch.nn.utils.rnn import pack_padded_sequence

torch.manual_seed(27)
torch.set_default_dtype(torch.float64)

def fmt(t):
    return " ".join(repr(float(v)) for v in t.flatten())

I, H, N, S, P = 3, 4, 5, 3, 2
known = [1, 2]
lengths = [5, 2, 4]
lstm = torch.nn.LSTM(I, H, num_layers=2)
decoder = torch.nn.Linear(H + len(known), N)
head = torch.nn.Linear(N, P)
x = torch.randn(max(lengths), len(lengths), I)     # T, B, I (padding beyond each length is never read)
future = torch.randn(len(lengths), S, I)           # B, S, I: the rows of the predicted steps
targets = torch.randn(len(lengths), S * P)

packed = pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
_, (h_n, _) = lstm(packed)
state = h_n[-1]                                    # B, H
z = torch.cat([state.unsqueeze(1).expand(-1, S, -1), future[:, :, known]], dim=2)   # B, S, H + K
y = head(torch.relu(decoder(z))).reshape(len(lengths), S * P)
loss = ((y - targets) ** 2).sum()
loss.backward()

tensors = {f"lstm.{n}": p for n, p in lstm.named_parameters()}
tensors.update({f"decoder.{n}": p for n, p in decoder.named_parameters()})
tensors.update({f"head.{n}": p for n, p in head.named_parameters()})
save("torch_decoder.safetensors", tensors)
lines = [f"# torch {torch.__version__}: LSTM({I}, {H}, num_layers=2) + decoder Linear({H + len(known)}, {N}), relu,"
         f" Linear({N}, {P}) per step; {S} steps, known columns {known}; lengths {lengths}"]
for b, length in enumerate(lengths):
    lines.append("input " + fmt(x[:length, b, :]))
    lines.append("future " + fmt(future[b]))
    lines.append("output " + fmt(y[b].detach()))
    lines.append("target " + fmt(targets[b]))
for name, p in tensors.items():
    lines.append(f"grad {name} " + fmt(p.grad))
with open("torch_decoder.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
