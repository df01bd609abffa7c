#!/usr/bin/env bash
# Issue 6's launch benchmark: 10,000 agents and 50 million recorded statements in the demo store,
# rolled up as the app does, then three campaign launches over every agent ("Launch now" through
# Quartz until the campaign and its items are committed).
# Usage: review-app/bench/campaign-bench.sh [agents] [statements]   (defaults 10000 50000000)
# Needs about 25 GB free under /tmp and half an hour on two cores; results in review-app/bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -o install -DskipTests -pl db,proxy-module
./mvnw -o -pl review-app verify -Dit.test=CampaignBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbench.agents="${1:-10000}" -Dbench.statements="${2:-50000000}" 2>&1 | grep --line-buffered -E "BENCH|Tests run|FAIL|ERROR\]"
