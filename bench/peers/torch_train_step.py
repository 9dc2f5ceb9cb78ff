#!/usr/bin/env python3
"""PyTorch peer of org.siftfunnel.bench.train.TrainStepQuickBench: times one full training step
(zero grads, forward through edge and cloud, the objective -- SiftFunnel's full objective for
siftfunnel, NLL for cnn --, backward, Adam step) of the same model on the same synthetic batch
shape, and prints ms/step (best, median, mean of the timed steps) and process CPU per step.

  /usr/bin/python3 bench/peers/torch_train_step.py --model siftfunnel --image-size 32 --batch 64 --threads 2
"""

import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import siftfunnel_torch as sf  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', choices=['cnn', 'siftfunnel'], default='siftfunnel')
    p.add_argument('--image-size', type=int, default=32)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--steps', type=int, default=10)
    p.add_argument('--warmup', type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    classes = 10
    build = sf.siftfunnel_cnn if a.model == 'siftfunnel' else sf.classifier4
    edge, cloud = build(1, a.image_size, classes)
    edge.train()
    cloud.train()
    params = list(edge.parameters()) + list(cloud.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.randn(a.batch, 1, a.image_size, a.image_size)
    y = torch.randint(0, classes, (a.batch,))

    def step():
        opt.zero_grad()
        z = edge(x)
        log_probs = cloud(z)
        if a.model == 'siftfunnel':
            loss = sf.siftfunnel_objective(x, z, log_probs, y)
        else:
            loss = F.nll_loss(log_probs, y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    ms = []
    cpu0 = time.process_time()
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t0) * 1e3)
    cpu = (time.process_time() - cpu0) * 1e3 / a.steps
    print(f"torch {torch.__version__} train step {a.model} {a.image_size}x{a.image_size} batch {a.batch}, "
          f"{torch.get_num_threads()} thread(s): best {min(ms):.1f} ms, median {statistics.median(ms):.1f} ms, "
          f"mean {statistics.mean(ms):.1f} ms over {a.steps} steps; process CPU {cpu:.1f} ms/step")


if __name__ == '__main__':
    main()
