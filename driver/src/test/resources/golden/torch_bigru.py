"""Writes torch_bigru.safetensors (a torch.nn.GRU(3, 4, num_layers=2, bidirectional=True) and a Linear(8, 2) head,
laid out as safetensors.torch.save_file does) and torch_bigru.txt: for 3 sequences of different lengths, packed with
pack_padded_sequence, the head's output at every real step (many-to-many), the head's output on h_n of the top layer
(both directions' final states: the forward pass at each sequence's last real step, the reverse pass at step 0),
and the gradient of sum((y - target)^2) on that many-to-one output with respect to every parameter.
SafeTensorsTest loads the files and must reproduce them. Run with Debian's python3-torch:
    /usr/bin/python3 torch_bigru.py"""
import torch
from safetensors_writer import save
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(11)
torch.set_default_dtype(torch.float64)

def fmt(t):
    return " ".join(repr(float(v)) for v in t.flatten())

lengths = [5, 2, 4]
gru = torch.nn.GRU(3, 4, num_layers=2, bidirectional=True)
head = torch.nn.Linear(8, 2)
x = torch.randn(max(lengths), len(lengths), 3)  # T, B, I (padding beyond each length is never read)
targets = torch.randn(len(lengths), 2)

packed = pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
out, h_n = gru(packed)
out, _ = pad_packed_sequence(out)                 # T, B, 8
per_step = head(out)                              # T, B, 2
final = torch.cat([h_n[-2], h_n[-1]], dim=1)      # top layer: forward final, reverse final -> B, 8
y = head(final)
loss = ((y - targets) ** 2).sum()
loss.backward()

tensors = {f"gru.{n}": p for n, p in gru.named_parameters()}
tensors.update({f"head.{n}": p for n, p in head.named_parameters()})
save("torch_bigru.safetensors", tensors)
lines = [f"# torch {torch.__version__}: GRU(3, 4, num_layers=2, bidirectional=True) + Linear(8, 2); lengths {lengths}"]
for b, length in enumerate(lengths):
    lines.append("input " + fmt(x[:length, b, :]))
    lines.append("per_step " + fmt(per_step[:length, b, :].detach()))
    lines.append("last " + fmt(y[b].detach()))
    lines.append("target " + fmt(targets[b]))
for n, p in list(gru.named_parameters()) + [("head." + n, p) for n, p in head.named_parameters()]:
    name = n if n.startswith("head.") else "gru." + n
    lines.append(f"grad {name} " + fmt(p.grad))
with open("torch_bigru.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
