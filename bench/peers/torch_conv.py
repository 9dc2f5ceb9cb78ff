#!/usr/bin/env python3
"""PyTorch peer of org.siftfunnel.bench.conv.ConvQuickBench: times forward + backward (gradients
to the input, the weight and the bias) of every convolution of the SiftFunnel CNN with the input
it sees in training, and prints per layer the best time of several rounds, GFLOP/s counted as
3 * 2 * MACs / time (as the Java bench), and the process CPU time per call.

  /usr/bin/python3 bench/peers/torch_conv.py --image-size 64 --batch 64 --threads 2
"""

import argparse
import time

import torch
import torch.nn.functional as F


def layers(size, batch):
    """(name, cin, h, w, cout, k, pad, bias) in forward order, as SiftFunnelConvLayers.of."""
    s2, s4 = size // 2, size // 4
    out = [("block1.0", 1, size, size, 64, 3, 1, True)]

    def gates(prefix, c, h, w):
        out.append((prefix + ".cw.conv.conv", 2, c, w, 1, 7, 3, False))
        out.append((prefix + ".hc.conv.conv", 2, h, c, 1, 7, 3, False))
        out.append((prefix + ".hw.conv.conv", 2, h, w, 1, 7, 3, False))

    gates("triplet", 64, s2, s2)
    out += [("block2_mix.0", 64, s2, s2, 16, 1, 0, True),
            ("block2_mix.4", 16, s4, s4, 12, 1, 0, True),
            ("block2_mix.5", 12, s4, s4, 12, 3, 1, True),
            ("block2_mix.7", 12, s4, s4, 12, 1, 0, True),
            ("block2_mix.8", 12, s4, s4, 12, 3, 1, True),
            ("block2_mix.9", 12, s4, s4, 12, 5, 2, True),
            ("cbam.ca.fc1", 12, 1, 1, 2, 1, 0, False),
            ("cbam.ca.fc2", 2, 1, 1, 12, 1, 0, False),
            ("cbam.sa.conv1", 2, s4, s4, 1, 7, 3, False),
            ("up.conv.0", 12, s4, s4, 128, 3, 1, False),
            ("up.conv.1", 128, s4, s4, 128, 3, 1, False)]
    gates("triplet_cloud", 128, s4, s4)
    out += [("block3.0", 128, s4, s4, 256, 3, 1, True),
            ("block4.0", 256, s4 // 2, s4 // 2, 512, 3, 1, True)]
    return out


def measure(batch, cin, h, w, cout, k, pad, bias, rounds, warmup_s):
    x = torch.rand(batch, cin, h, w) * 2 - 1
    x.requires_grad_(True)
    wt = (torch.rand(cout, cin, k, k) * 2 - 1).requires_grad_(True)
    b = (torch.rand(cout) * 2 - 1).requires_grad_(True) if bias else None
    oh, ow = h + 2 * pad - k + 1, w + 2 * pad - k + 1
    gy = torch.rand(batch, cout, oh, ow) * 2 - 1

    def once():
        y = F.conv2d(x, wt, b, padding=pad)
        gx, gw = torch.autograd.grad(y, (x, wt), gy) if b is None else torch.autograd.grad(y, (x, wt, b), gy)[:2]
        return gx, gw

    end = time.perf_counter() + warmup_s
    calls, t0 = 0, time.perf_counter()
    while time.perf_counter() < end:
        once()
        calls += 1
    per_call = (time.perf_counter() - t0) / calls
    repeat = max(1, min(100000, int(0.1 / max(per_call, 1e-9))))
    best, best_cpu, times = float('inf'), float('inf'), []
    for _ in range(rounds):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(repeat):
            once()
        t = (time.perf_counter() - t0) / repeat * 1e3
        times.append(t)
        best = min(best, t)
        best_cpu = min(best_cpu, (time.process_time() - c0) / repeat * 1e3)
    times.sort()
    return best, times[len(times) // 2], best_cpu


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--image-size', type=int, default=64)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--warmup-ms', type=int, default=1500)
    p.add_argument('--layer', default='')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    print(f"torch {torch.__version__} conv2d forward + backward, SiftFunnel CNN {a.image_size}x{a.image_size}, "
          f"batch {a.batch}, {torch.get_num_threads()} thread(s)")
    total, total_cpu, total_macs = 0.0, 0.0, 0
    for (name, cin, h, w, cout, k, pad, bias) in layers(a.image_size, a.batch):
        if a.layer not in name:
            continue
        best, median, cpu = measure(a.batch, cin, h, w, cout, k, pad, bias, a.rounds, a.warmup_ms / 1e3)
        oh, ow = h + 2 * pad - k + 1, w + 2 * pad - k + 1
        macs = a.batch * cout * oh * ow * cin * k * k
        total += best
        total_cpu += cpu
        total_macs += macs
        print(f"{name:<28} {cin:3d}->{cout:<3d} {k}x{k} on {h}x{w}  fwd+bwd best {best:8.3f} ms (median {median:8.3f})  "
              f"{6.0 * macs / (best * 1e6):6.1f} GFLOP/s; CPU {cpu:8.3f} ms")
    print(f"total {total:.3f} ms, {6.0 * total_macs / (total * 1e6):.1f} GFLOP/s; CPU {total_cpu:.3f} ms")


if __name__ == '__main__':
    main()
