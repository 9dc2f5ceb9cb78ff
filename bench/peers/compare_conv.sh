#!/usr/bin/env bash
# Interleaved conv comparison: for each round, each layer and each thread count, our
# ConvQuickBench (--layer L) and then PyTorch's torch_conv.py (--layer L), one right after the
# other, so that both see the same machine state. On a VM whose speed drifts by tens of percent
# over minutes, a whole-network pass of each, one after the other, can compare different
# machines; here every pair is close in time. Prints one line per pair (best ms of each, ratio)
# and per layer the median ratio over the rounds.
# Needs bench/target/benchmarks.jar and Debian's python3-torch under /usr/bin/python3.
#   usage: bench/peers/compare_conv.sh [layers] [rounds] [threads]
#          e.g. bench/peers/compare_conv.sh up.conv.0,up.conv.1,block3.0,block4.0 3 1,2
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
LAYERS="${1:-up.conv.0,up.conv.1,block3.0,block4.0}"
ROUNDS="${2:-3}"
THREADS="${3:-1,2}"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
best_ms() { sed -n "s/^$1 .* best *\([0-9.]*\) ms.*/\1/p" | head -n1; }
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$ROUNDS"); do
  for layer in ${LAYERS//,/ }; do
    for t in ${THREADS//,/ }; do
      ours=$("$JAVA" --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
        org.siftfunnel.bench.conv.ConvQuickBench --image-size 64 --batch 64 --threads "$t" --rounds 5 \
        --warmup-ms 2000 --layer "$layer" 2>/dev/null | best_ms "$layer")
      torch=$(env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/peers/torch_conv.py --image-size 64 --batch 64 \
        --threads "$t" --layer "$layer" 2>/dev/null | best_ms "$layer")
      if [ -z "$ours" ] || [ -z "$torch" ]; then
        echo "compare_conv: no timing for $layer at $t threads (ours '$ours', torch '$torch')" >&2
        exit 1
      fi
      ratio=$(awk -v a="$ours" -v b="$torch" 'BEGIN { printf "%.3f", a / b }')
      echo "round $round  $layer  threads $t  ours $ours ms  torch $torch ms  ours/torch $ratio"
      echo "$layer $t $ratio" >> "$results"
    done
  done
done
echo "median ours/torch over $ROUNDS rounds (below 1: ours faster):"
sort -k1,1 -k2,2n -k3,3n "$results" | awk '
  { key = $1 " threads " $2; v[key, ++n[key]] = $3; if (!(key in seen)) { seen[key] = 1; order[++k] = key } }
  END { for (i = 1; i <= k; i++) { key = order[i]; c = n[key]; m = (c % 2) ? v[key, (c + 1) / 2] : (v[key, c / 2] + v[key, c / 2 + 1]) / 2;
        printf "  %-28s %.3f\n", key, m } }'
