# Copied from the team's shared baseline (shared/bench/torch_lstm_bench.py), plus nn.GRU on the same shapes (the
# gru_rate function and the GRU lines: our addition); scripts/bench kernel runs it when torch is installed.
"""Anchor: PyTorch CPU nn.LSTM forward+BPTT throughput on this machine, plus the machine's GEMM ceiling.
Run with Debian's /usr/bin/python3 (python3-torch). Prints one line per configuration.
Throughput unit: sequence-steps per second = B*T / (seconds per fwd+bwd of one batch)."""
import sys, time, torch
torch.manual_seed(0)

def gemm_rate(n, dtype, threads):
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    for _ in range(3): a @ b
    reps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 2.0:
        a @ b; reps += 1
    return 2 * n ** 3 * reps / (time.perf_counter() - t0) / 1e9

def lstm_rate(D, H, T, B, dtype, threads, layers=1, module=torch.nn.LSTM, gates=4):
    torch.set_num_threads(threads)
    lstm = module(D, H, num_layers=layers).to(dtype)
    head = torch.nn.Linear(H, 1).to(dtype)
    x, y = torch.randn(T, B, D, dtype=dtype), torch.randn(B, 1, dtype=dtype)
    def step():
        lstm.zero_grad(); head.zero_grad()
        out, _ = lstm(x)
        loss = torch.nn.functional.mse_loss(head(out[-1]), y)
        loss.backward()
    for _ in range(3): step()
    times = []
    for _ in range(7):
        t0 = time.perf_counter(); step(); times.append(time.perf_counter() - t0)
    times.sort()
    med = times[len(times) // 2]
    flops = 3 * 2 * gates * H * (D + H) * B * T * layers  # fwd gates GEMM + 2x for bwd (dX/dH and dW)
    return B * T / med, flops / med / 1e9

print(f"torch {torch.__version__}, config: {torch.__config__.parallel_info().splitlines()[0:3]}")
THREADS = [int(a) for a in sys.argv[1:]] or [1, 2]
for dtype in (torch.float32, torch.float64):
    for th in THREADS:
        print(f"GEMM 1024^3 {str(dtype):14s} threads={th}: {gemm_rate(1024, dtype, th):7.1f} GFLOP/s")
shapes = [(64, 128, 50, 64), (32, 256, 100, 32), (128, 512, 50, 64), (8, 64, 200, 128)]
for dtype in (torch.float32, torch.float64):
    for th in THREADS:
        for D, H, T, B in shapes:
            r, g = lstm_rate(D, H, T, B, dtype, th)
            print(f"LSTM D={D:3d} H={H:3d} T={T:3d} B={B:3d} {str(dtype):14s} threads={th}: {r:10.0f} seq-steps/s  {g:6.1f} GFLOP/s")
for dtype in (torch.float32, torch.float64):
    for th in THREADS:
        for D, H, T, B in shapes:
            r, g = lstm_rate(D, H, T, B, dtype, th, module=torch.nn.GRU, gates=3)
            print(f"GRU  D={D:3d} H={H:3d} T={T:3d} B={B:3d} {str(dtype):14s} threads={th}: {r:10.0f} seq-steps/s  {g:6.1f} GFLOP/s")
