#!/usr/bin/python3
"""Peer SGEMM timing: numpy.matmul on float32 square matrices (numpy calls its BLAS, OpenBLAS
on Debian once libopenblas0-pthread is installed).

Run with Debian's interpreter and pick the BLAS thread count in the environment, e.g.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
        /usr/bin/python3 bench/peers/numpy_gemm.py --sizes 64,128,256,512,1024

(unsetting OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE lets OpenBLAS pick the kernel for this CPU
instead of a forced one). Measures like GemmQuickBench: warm up, then the best of several
rounds, each long enough to dwarf the timer; GFLOP/s = 2*n^3 / time.
"""
import argparse
import os
import sys
import time

import numpy as np

ROUND_SECONDS = 0.06


def blas_info():
    """One line naming the BLAS numpy uses (via threadpoolctl when it is installed)."""
    try:
        import threadpoolctl
    except ImportError:
        return "threadpoolctl not installed; BLAS unknown"
    parts = []
    for lib in threadpoolctl.threadpool_info():
        if lib.get("user_api") == "blas":
            parts.append("%s %s, kernel %s, %s threads" % (
                lib.get("internal_api"), lib.get("version"), lib.get("architecture"), lib.get("num_threads")))
    return "; ".join(parts) or "no BLAS found by threadpoolctl"


def measure(size, rounds, warmup_seconds):
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (size, size)).astype(np.float32)
    b = rng.uniform(-1, 1, (size, size)).astype(np.float32)
    c = np.empty((size, size), dtype=np.float32)
    calls = 0
    start = time.perf_counter()
    while True:
        np.matmul(a, b, out=c)
        calls += 1
        if time.perf_counter() - start >= warmup_seconds:
            break
    per_call = (time.perf_counter() - start) / calls
    repeat = max(1, int(ROUND_SECONDS / max(per_call, 1e-9)))
    times = []
    cpu_times = []
    for _ in range(rounds):
        c0 = time.thread_time()
        t0 = time.perf_counter()
        for _ in range(repeat):
            np.matmul(a, b, out=c)
        times.append((time.perf_counter() - t0) / repeat)
        cpu_times.append((time.thread_time() - c0) / repeat)
    times.sort()
    return times[0], times[len(times) // 2], min(cpu_times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1024", help="comma-separated square sizes (default 1024)")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds; the best is reported (default 7)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per size (default 1.0)")
    args = parser.parse_args()
    print("numpy %s, %s, OPENBLAS_NUM_THREADS=%s" % (
        np.__version__, blas_info(), os.environ.get("OPENBLAS_NUM_THREADS", "unset")))
    # With one BLAS thread the product runs on this thread, so its CPU time leaves out the time
    # it spent descheduled on a shared machine (like GemmQuickBench's "by CPU time").
    single = os.environ.get("OPENBLAS_NUM_THREADS") == "1"
    for size in (int(s) for s in args.sizes.split(",")):
        best, median, best_cpu = measure(size, args.rounds, args.warmup)
        flops = 2.0 * size ** 3
        line = "numpy sgemm size=%d: best %.3f ms = %.1f GFLOP/s (median %.1f GFLOP/s)" % (
            size, best * 1e3, flops / best / 1e9, flops / median / 1e9)
        if single:
            line += ", by CPU time %.1f GFLOP/s" % (flops / best_cpu / 1e9)
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
