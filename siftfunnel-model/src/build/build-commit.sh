#!/bin/sh
# Writes the commit this build is made from to $1 (see siftfunnel-model/pom.xml). Never fails the
# build: without git, or outside a checkout, the commit is "unknown".
out="$1"
mkdir -p "$(dirname "$out")"
cd "$(dirname "$0")" || exit 0
commit=$(git rev-parse HEAD 2>/dev/null) || commit=unknown
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit-dirty"
fi
printf 'commit=%s\n' "$commit" > "$out"
exit 0
