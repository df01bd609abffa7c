#!/usr/bin/env bash
# Issue 7's benchmark: a campaign's evidence to Excel within a 256 MB heap, and to PDF.
# Usage: reporting/bench/evidence-bench.sh [excel items] [pdf items] [rounds]   (defaults 100000 10000 3)
# Prints BENCH lines; the latest results are in reporting/bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -o -pl reporting test-compile
./mvnw -q -o -pl reporting dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
java_home=$(ls -d /usr/lib/jvm/*25* | head -1)
"$java_home/bin/java" -Xmx256m -Djava.awt.headless=true \
    -cp "reporting/target/classes:reporting/target/test-classes:$(cat reporting/target/bench.classpath)" \
    io.vigil.reporting.EvidenceBenchmark "${1:-100000}" "${2:-10000}" "${3:-3}"
