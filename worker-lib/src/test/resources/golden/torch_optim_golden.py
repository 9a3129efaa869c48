"""Generates torch_optim_golden.txt: parameter trajectories of torch.optim rules, clip_grad_norm_ and lr_scheduler,
the golden values OptimizerGoldenTest holds our Java update rules to. Run with Debian's python3-torch:
    /usr/bin/python3 torch_optim_golden.py > torch_optim_golden.txt
Format, one record per line: 'case NAME KEY=VALUE ...', 'params v...', then per step 'grad v...' and 'after v...';
'schedule NAME KEY=VALUE ...' followed by 'rates v...'; 'clip MAX_NORM' + 'grad v...' + 'clipped NORM v...'."""
import math
import torch

torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(1234)
P = 7
STEPS = 4

def fmt(t):
    return " ".join(repr(float(x)) for x in t.flatten())

print(f"# torch {torch.__version__}")
cases = [
    ("sgd_plain", torch.optim.SGD, dict(lr=0.1)),
    ("sgd_momentum", torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
    ("sgd_momentum_dampening", torch.optim.SGD, dict(lr=0.05, momentum=0.8, dampening=0.3)),
    ("sgd_nesterov_wd", torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("adam_default", torch.optim.Adam, dict(lr=1e-3)),
    ("adam_wd", torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("rmsprop_default", torch.optim.RMSprop, dict(lr=1e-2)),
    ("rmsprop_centered_momentum_wd", torch.optim.RMSprop, dict(lr=1e-2, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
    ("adagrad_default", torch.optim.Adagrad, dict(lr=1e-2)),
    ("adagrad_decay_init_wd", torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.1, initial_accumulator_value=0.1, weight_decay=0.05)),
]
for name, cls, kw in cases:
    p = torch.randn(P, generator=g, requires_grad=True)
    opt = cls([p], **kw)
    flat = " ".join(f"{k}={v[0]},{v[1]}" if isinstance(v, tuple) else f"{k}={v}" for k, v in kw.items())
    print(f"case {name} {flat}")
    print("params", fmt(p.detach()))
    for _ in range(STEPS):
        grad = torch.randn(P, generator=g)
        p.grad = grad.clone()
        opt.step()
        print("grad", fmt(grad))
        print("after", fmt(p.detach()))

schedules = [
    ("step", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), "base=0.1 step_size=3 gamma=0.5"),
    ("exponential", lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), "base=0.1 gamma=0.9"),
    ("cosine", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001), "base=0.1 total=10 min_lr=0.001"),
]
for name, make, flat in schedules:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    sched = make(opt)
    rates = []
    for _ in range(12):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    print(f"schedule {name} {flat}")
    print("rates", " ".join(repr(r) for r in rates))

for max_norm in (1.0, 100.0):
    grad = torch.randn(P, generator=g) * 3
    p = torch.zeros(P, requires_grad=True)
    p.grad = grad.clone()
    norm = torch.nn.utils.clip_grad_norm_([p], max_norm)
    print(f"clip {max_norm}")
    print("grad", fmt(grad))
    print("clipped", repr(float(norm)), fmt(p.grad))
