#!/usr/bin/env bash
# Usage: ./build.sh [target] [--name=value | --flag ...]   e.g. ./build.sh test --filter=Category=Unit
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

args=()
# A leading word is the target; Cake target names are capitalised (test -> Test).
if [[ $# -gt 0 && $1 != -* ]]; then
  args+=("--target=${1^}")
  shift
fi
# Cake reads a bare --flag as false, so give it an explicit value (--quick -> --quick=true).
while [[ $# -gt 0 ]]; do
  if [[ $1 == --* && $1 != *=* && ( $# -eq 1 || $2 == -* ) ]]; then
    args+=("$1=true")
  else
    args+=("$1")
  fi
  shift
done

dotnet tool restore
exec dotnet cake build.cake "${args[@]}"
