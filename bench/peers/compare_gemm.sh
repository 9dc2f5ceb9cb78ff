#!/usr/bin/env bash
# Side-by-side SGEMM table: GemmQuickBench (ours) against numpy.matmul (OpenBLAS), at 1 and 2
# threads, each run ROUNDS times alternately (the machine may be shared: take the best).
# Needs bench/target/benchmarks.jar (mvn -pl bench -am package -DskipTests) and Debian's
# python3-numpy with libopenblas0-pthread.
#   usage: bench/peers/compare_gemm.sh [sizes] [rounds]     e.g. 64,128,256,512,1024 3
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SIZES="${1:-64,128,256,512,1024}"
ROUNDS="${2:-3}"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
for round in $(seq 1 "$ROUNDS"); do
  for t in 1 2; do
    "$JAVA" --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
      org.siftfunnel.bench.gemm.GemmQuickBench --size "$SIZES" --threads "$t" --warmup-ms 2000 2>/dev/null
    # The environment may force an OpenBLAS kernel; unset it here so OpenBLAS picks its own.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$t" \
      /usr/bin/python3 bench/peers/numpy_gemm.py --sizes "$SIZES"
  done
done
