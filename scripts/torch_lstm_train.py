# PyTorch end-to-end training anchor for scripts/bench train: one full-batch iteration of nn.LSTM with a linear head
# on the last step (forward, BPTT, Adam) on I=32, H=128, T=50, N=2000, float32, per thread count given (default 1 2).
# Prints "TRAIN I H T N float32 threads=K seq-steps/s" (median of 7 after 3). Run with Debian's /usr/bin/python3;
# scripts/torch-anchor train prints the same line for PyTorch 2.7.1 through DJL.
import sys, time, torch
torch.manual_seed(0)
I, H, T, N = 32, 128, 50, 2000
for threads in [int(a) for a in sys.argv[1:]] or [1, 2]:
    torch.set_num_threads(threads)
    lstm, head = torch.nn.LSTM(I, H), torch.nn.Linear(H, 1)
    optimizer = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)
    x, y = torch.randn(T, N, I), torch.randn(N, 1)
    def step():
        optimizer.zero_grad()
        out, _ = lstm(x)
        torch.nn.functional.mse_loss(head(out[-1]), y).backward()
        optimizer.step()
    for _ in range(3):
        step()
    times = []
    for _ in range(7):
        t0 = time.perf_counter(); step(); times.append(time.perf_counter() - t0)
    times.sort()
    print(f"TRAIN {I} {H} {T} {N} float32 threads={threads} {N * T / times[len(times) // 2]:.0f}", flush=True)
