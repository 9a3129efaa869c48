# PyTorch inference baseline for scripts/bench predict: nn.LSTM forward under torch.no_grad() (and inference_mode)
# on the benchmark shapes, with the same linear head on the last step as our models, one thread by default.
# Prints one line per shape and dtype: "INFER D H T B dtype seq-steps/s". Run with Debian's /usr/bin/python3.
import sys, time, torch
torch.manual_seed(0)
THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(THREADS)
shapes = [(64, 128, 50, 64), (32, 256, 100, 32), (128, 512, 50, 64), (8, 64, 200, 128)]
for dtype in (torch.float32, torch.float64):
    for D, H, T, B in shapes:
        lstm = torch.nn.LSTM(D, H).to(dtype).eval()
        head = torch.nn.Linear(H, 1).to(dtype).eval()
        x = torch.randn(T, B, D, dtype=dtype)
        def step():
            with torch.no_grad():
                out, _ = lstm(x)
                return head(out[-1])
        for _ in range(3):
            step()
        times = []
        for _ in range(9):
            t0 = time.perf_counter(); step(); times.append(time.perf_counter() - t0)
        times.sort()
        print(f"INFER {D} {H} {T} {B} {str(dtype).replace('torch.', '')} {B * T / times[len(times) // 2]:.0f}",
              flush=True)
