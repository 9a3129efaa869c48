"""Writes torch_probabilistic_training_{quantile,gaussian}.safetensors (the starting weights) and .txt (the loss at
each step and the weights after the last): PyTorch's own training loop for two probabilistic models on the bundled
sunspot numbers, which TorchProbabilisticTrainingTest trains again with `lstm-spark train --init` and compares.
The model: LSTM(1, 4) on windows of 6 years, a Linear head per window on the last state (its b_hh held at zero, as
our LSTM's one bias is the sum of PyTorch's two); loss quantile:0.1,0.5,0.9 (pinball, mean over values and levels,
the quantiles non-crossing: a cumulative sum of softplus gaps) or gaussian (mean negative log-likelihood, sigma
through softplus); Adam(lr=0.01), 25 full-batch steps, float64, the data as they are (no standardisation).
Run with Debian's python3-torch:
    /usr/bin/python3 torch_probabilistic_training.py"""
import csv
import os
import torch
import torch.nn.functional as F
from safetensors_writer import save

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "../../../../../data/sunspots.csv")) as f:
    series = torch.tensor([float(row["SUNACTIVITY"]) for row in csv.DictReader(f)])
WINDOW = 6
x = torch.stack([series[w:w + WINDOW] for w in range(len(series) - WINDOW)]).unsqueeze(2)  # B, T, 1
y = series[WINDOW:]                                                                          # B


def fmt(t):
    return " ".join(repr(float(v)) for v in t.flatten())


def pinball(out):
    tau = torch.tensor([0.1, 0.5, 0.9])
    q = torch.cumsum(torch.cat([out[:, :1], F.softplus(out[:, 1:])], dim=1), dim=1)
    error = y.unsqueeze(1) - q
    return torch.max(tau * error, (tau - 1) * error).mean()


def gaussian(out):
    return -torch.distributions.Normal(out[:, 0], F.softplus(out[:, 1])).log_prob(y).mean()


for name, outputs, loss_fn in [("quantile", 3, pinball), ("gaussian", 2, gaussian)]:
    torch.manual_seed(28)
    lstm = torch.nn.LSTM(1, 4, batch_first=True)
    head = torch.nn.Linear(4, outputs)
    with torch.no_grad():
        lstm.bias_hh_l0.zero_()
        head.bias[0] = 80.0  # start near the data's level, so 25 steps move every weight
    lstm.bias_hh_l0.requires_grad_(False)
    start = {f"lstm.{n}": p.detach().clone() for n, p in lstm.named_parameters()}
    start.update({f"head.{n}": p.detach().clone() for n, p in head.named_parameters()})
    save(os.path.join(HERE, f"torch_probabilistic_training_{name}.safetensors"), start)
    params = [p for p in lstm.parameters() if p.requires_grad] + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=0.01)
    lines = [f"# torch {torch.__version__}: LSTM(1, 4) + Linear(4, {outputs}), loss {name}, Adam(lr=0.01), 25 steps"]
    for step in range(25):
        optimizer.zero_grad()
        _, (h, _) = lstm(x)
        loss = loss_fn(head(h[-1]))
        loss.backward()
        optimizer.step()
        lines.append(f"loss {step + 1} {float(loss)!r}")
    for n, p in list(lstm.named_parameters()) + [("head." + n, p) for n, p in head.named_parameters()]:
        lines.append(f"weights {n if n.startswith('head.') else 'lstm.' + n} " + fmt(p.detach()))
    with open(os.path.join(HERE, f"torch_probabilistic_training_{name}.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
