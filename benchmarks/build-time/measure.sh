#!/usr/bin/env bash
# How long users wait for the compiler: builds a throw-away project (Debug, like an IDE) that declares networks with
# Compiled, and reports the lines the generator wrote and the build times.
#
#   benchmarks/build-time/measure.sh                # the standard set: one 784-1024-1024-10 network, one 20-layer MLP,
#                                                   # and a project with 20 such networks
#   KEEP=1 benchmarks/build-time/measure.sh         # keep the temporary projects (their generated files are under obj/)
#
# Each project is built twice: a full build after restore, then again after editing an unrelated file (what an
# incremental edit costs). Run it on a quiet machine (check `uptime`); figures go in benchmarks/README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

# 20 hidden layers of 64 units (ReLU) between 32 inputs and 10 outputs.
twenty_layers() {
  local name=$1
  echo "[Network(Loss = Loss.CrossEntropy)]"
  echo "[Input(32)]"
  for _ in $(seq 1 20); do echo "[Dense(64, Activation.ReLU)]"; done
  echo "[Dense(10, Activation.Softmax)]"
  echo "public partial class $name { }"
}

wide() {
  echo "[Network(Loss = Loss.CrossEntropy)]"
  echo "[Input(784)] [Dense(1024, Activation.ReLU)] [Dense(1024, Activation.ReLU)] [Dense(10, Activation.Softmax)]"
  echo "public partial class $1 { }"
}

make_project() {
  local dir=$1
  mkdir -p "$dir"
  cat > "$dir/Measure.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$root/src/Attributes/Compiled.Attributes.csproj" />
    <ProjectReference Include="$root/src/Runtime/Compiled.Runtime.csproj" />
    <ProjectReference Include="$root/src/Generator/Compiled.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
XML
  echo 'System.Console.WriteLine("built");' > "$dir/Program.cs"
  echo 'namespace Measure; internal static class Unrelated { public static int Value => 1; }' > "$dir/Unrelated.cs"
}

seconds() { awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

measure() {
  local label=$1 dir=$2
  dotnet restore "$dir" -v q >/dev/null
  # The referenced projects are built once first, so the figures are the user's project alone.
  dotnet build "$dir" -c Debug --no-restore -v q >/dev/null
  touch "$dir"/Networks*.cs
  local start; start=$(date +%s%N)
  dotnet build "$dir" -c Debug --no-restore --no-dependencies -v q >/dev/null
  local full; full=$(seconds "$start")
  echo "namespace Measure; internal static class Unrelated { public static int Value => 2; }" > "$dir/Unrelated.cs"
  start=$(date +%s%N)
  dotnet build "$dir" -c Debug --no-restore --no-dependencies -v q >/dev/null
  local edit; edit=$(seconds "$start")
  local lines; lines=$(find "$dir/obj" -path '*Compiled.Generator*' -name '*.g.cs' -exec cat {} + | wc -l)
  printf '| %s | %s | %s s | %s s |\n' "$label" "$lines" "$full" "$edit"
}

make_project "$work/wide";   { echo "using Compiled; namespace Measure;"; wide Wide; } > "$work/wide/Networks.cs"
make_project "$work/twenty"; { echo "using Compiled; namespace Measure;"; twenty_layers Deep; } > "$work/twenty/Networks.cs"
make_project "$work/many";   { echo "using Compiled; namespace Measure;"; for i in $(seq 1 20); do twenty_layers "Deep$i"; done; } > "$work/many/Networks.cs"

echo "machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), family $(lscpu | sed -n 's/^CPU family:[[:space:]]*//p') model $(lscpu | sed -n 's/^Model:[[:space:]]*//p'), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| project (Debug) | generated lines | build | rebuild after an unrelated edit |"
echo "|---|---:|---:|---:|"
measure "784-1024-1024-10" "$work/wide"
measure "20-layer MLP (32-64x20-10)" "$work/twenty"
measure "20 networks of 20 layers" "$work/many"
