#!/usr/bin/env bash
# Fuzzes one Jazzer @FuzzTest class until it has run N inputs or for at most S seconds, then prints libFuzzer's
# figures. See benchmarks/FUZZING.md. CI never fuzzes: `./mvnw -B verify` only replays the committed regression inputs.
#
#   benchmarks/fuzz.sh <module> <FuzzTestClass> [executions=1000000] [max-seconds=7200]
#   benchmarks/fuzz.sh voicechat-core WavReaderFuzzTest 1000000 3600
#   FUZZ_FLAGS="-max_len=256" benchmarks/fuzz.sh voicechat-adapters/voicechat-piper PiperFuzzTest 1000000 36000
#
# FUZZ_FLAGS: further libFuzzer flags, separated by spaces (e.g. -max_len=N to bound the input's length).
# New inputs that reach new code go to <module>/.cifuzz-corpus/ (not committed); a finding is written as
# crash-<sha1> into the class's src/test/resources/.../<Class>Inputs/<method>/ folder, where every later build
# replays it. The run is niced: fuzzing shares the machine with builds.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  sed -n '2,13p' "$0"
  exit 2
fi
module=$1
test=$2
runs=${3:-1000000}
seconds=${4:-7200}
mkdir -p target/fuzz
# Jazzer writes a finding into the regression folder only if that folder exists: create it.
class=${test%%#*}
src=$(find "$module/src/test/java" -name "$class.java" | head -n 1)
if [ "$test" != "$class" ]; then
  method=${test#*#}
else
  method=$(grep -A10 "@FuzzTest" "$src" | grep -oE "void [a-zA-Z0-9_]+\(" | head -n 1 | sed -E 's/void |\(//g')
fi
pkg=$(dirname "${src#"$module/src/test/java/"}")
mkdir -p "$module/src/test/resources/$pkg/${class}Inputs/$method"
log="target/fuzz/$test-$(date +%Y%m%d-%H%M%S).log"
echo "fuzzing $module $test: $runs executions or $seconds s at most${FUZZ_FLAGS:+, $FUZZ_FLAGS}; log $log"
# Jazzer reads libFuzzer's arguments from the JUnit configuration parameters jazzer.internal.arg.N, which JUnit also
# looks up in system properties; later flags win over the -max_total_time the @FuzzTest annotation sets.
args="-Xmx1g -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-runs=$runs"
args="$args -Djazzer.internal.arg.2=-max_total_time=$seconds -Djazzer.internal.arg.3=-print_final_stats=1"
n=4
for flag in ${FUZZ_FLAGS:-}; do
  args="$args -Djazzer.internal.arg.$n=$flag"
  n=$((n + 1))
done
start=$(date +%s)
set +e
JAZZER_FUZZ=1 nice -n 19 ./mvnw -B -o -pl "$module" -am test -Dtest="$test" \
  -Dsurefire.failIfNoSpecifiedTests=false -DargLine="$args" >"$log" 2>&1
rc=$?
set -e
end=$(date +%s)
grep -E "^#[0-9]+ +(DONE|pulse)|Done [0-9]+ runs|stat::|== Java Exception|FuzzTestFindingException|crash-|Tests run:|BUILD|terminated|crashed" \
  "$log" | grep -v "^\[INFO\] Tests run: 0" | tail -n 25
echo "exit $rc after $((end - start)) s (log $log)"
exit $rc
