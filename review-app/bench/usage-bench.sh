#!/usr/bin/env bash
# Issue 5's usage benchmark: 1,000 agents and 10 million recorded statements in the demo store, then
# a full and an incremental rollup, the dashboard and an agent page (services and a real browser).
# Usage: review-app/bench/usage-bench.sh [agents] [statements]   (defaults 1000 10000000)
# Prints BENCH lines; the latest results are in review-app/bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -o install -DskipTests -pl db,proxy-module
./mvnw -o -pl review-app verify -Dit.test=UsageBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbench.agents="${1:-1000}" -Dbench.statements="${2:-10000000}" 2>&1 | grep -E "BENCH|Tests run|FAIL|ERROR\]"
