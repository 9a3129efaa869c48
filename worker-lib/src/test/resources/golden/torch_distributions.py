"""Writes torch_distributions.txt: each probabilistic loss of ForecastHead on random head outputs, and its gradient
with respect to those outputs, as PyTorch computes them: torch.distributions' log_prob for the Gaussian, Student-t and
negative binomial heads (their positive parameters through F.softplus, Student-t's degrees of freedom 2 + softplus,
the negative binomial's mean times each value's scale, as DeepAR scales it), and the pinball loss written out for
quantiles made non-crossing by a cumulative sum of softplus gaps. TorchDistributionGoldenTest reproduces them.
Run with Debian's python3-torch:
    /usr/bin/python3 torch_distributions.py"""
import torch
import torch.nn.functional as F

torch.manual_seed(28)
torch.set_default_dtype(torch.float64)
N = 7


def fmt(t):
    return " ".join(repr(float(v)) for v in t.flatten())


lines = [f"# torch {torch.__version__}; one case per line group: raw (N x P), target (N), scale (N), loss (the sum"
         " over the N values), grad (N x P)"]


def case(name, raw, target, scale, loss_fn):
    raw = raw.clone().requires_grad_(True)
    loss = loss_fn(raw, target, scale)
    loss.backward()
    lines.append(f"case {name} {raw.shape[1]}")
    lines.append("raw " + fmt(raw.detach()))
    lines.append("target " + fmt(target))
    lines.append("scale " + fmt(scale))
    lines.append("loss " + repr(float(loss)))
    lines.append("grad " + fmt(raw.grad))


def pinball(levels):
    tau = torch.tensor(levels)

    def loss(raw, y, scale):
        q = torch.cumsum(torch.cat([raw[:, :1], F.softplus(raw[:, 1:])], dim=1), dim=1)
        error = y.unsqueeze(1) - q
        return torch.max(tau * error, (tau - 1) * error).mean(dim=1).sum()
    return loss


def gaussian(raw, y, scale):
    return -torch.distributions.Normal(raw[:, 0], F.softplus(raw[:, 1])).log_prob(y).sum()


def student_t(raw, y, scale):
    return -torch.distributions.StudentT(2 + F.softplus(raw[:, 2]), raw[:, 0], F.softplus(raw[:, 1])).log_prob(y).sum()


def negative_binomial(raw, y, scale):
    mu = F.softplus(raw[:, 0]) * scale
    alpha = F.softplus(raw[:, 1])
    # total_count r = 1 / alpha, success logits log(alpha mu): mean r e^logits = mu, variance mu + alpha mu^2
    nb = torch.distributions.NegativeBinomial(total_count=1 / alpha, logits=torch.log(alpha * mu))
    return -nb.log_prob(y * scale).sum()


ones = torch.ones(N)
case("quantile:0.1,0.5,0.9", torch.randn(N, 3) * 1.5, torch.randn(N) * 2, ones, pinball([0.1, 0.5, 0.9]))
case("quantile:0.05,0.25,0.5,0.75,0.95", torch.randn(N, 5), torch.randn(N) * 3, ones,
     pinball([0.05, 0.25, 0.5, 0.75, 0.95]))
case("gaussian", torch.randn(N, 2), torch.randn(N) * 2, ones, gaussian)
case("student-t", torch.randn(N, 3), torch.randn(N) * 3, ones, student_t)
counts = torch.tensor([0., 1., 2., 5., 9., 14., 40.])
scales = torch.tensor([1., 2.5, 0.5, 4., 1., 10., 3.])
case("negative-binomial", torch.randn(N, 2), counts / scales, scales, negative_binomial)
case("negative-binomial", torch.randn(N, 2) * 2, counts, ones, negative_binomial)
with open("torch_distributions.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
