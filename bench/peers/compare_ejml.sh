#!/usr/bin/env bash
# Side-by-side SGEMM against EJML: GemmQuickBench (ours, 1 thread) and EjmlGemmQuickBench
# (CommonOps_FDRM.mult, single-threaded), run alternately ROUNDS times (take the best of each;
# the "by CPU time" columns are the fairer figures on a shared machine). The ratio is
# ours / EJML at the same size. Needs bench/target/benchmarks.jar.
#   usage: bench/peers/compare_ejml.sh [sizes] [rounds]     e.g. 256,512,1024 3
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SIZES="${1:-256,512,1024}"
ROUNDS="${2:-3}"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
for round in $(seq 1 "$ROUNDS"); do
  "$JAVA" --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
    org.siftfunnel.bench.gemm.GemmQuickBench --size "$SIZES" --threads 1 2>/dev/null
  "$JAVA" -cp bench/target/benchmarks.jar org.siftfunnel.bench.gemm.EjmlGemmQuickBench --size "$SIZES"
done
