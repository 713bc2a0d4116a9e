#!/usr/bin/env bash
# Builds three RTNeural (xsimd backend) benchmark binaries at different SIMD widths.
set -euo pipefail
cd "$(dirname "$0")"
DEPS=deps/usr/include
COMMON=(-std=c++17 -O3 -DNDEBUG -DRTNEURAL_USE_XSIMD=1 -I. -I"$DEPS" bench.cpp -lbenchmark -lpthread)
set -x
g++ -march=native          -DRTNEURAL_DEFAULT_ALIGNMENT=64 "${COMMON[@]}" -o bench_avx512
g++ -mavx2 -mfma           -DRTNEURAL_DEFAULT_ALIGNMENT=32 "${COMMON[@]}" -o bench_avx2
g++ -msse4.2               -DRTNEURAL_DEFAULT_ALIGNMENT=16 "${COMMON[@]}" -o bench_sse42
