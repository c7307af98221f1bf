#!/usr/bin/env bash
# One-shot GPU benchmark of the PPO trainer, for one H100/H200, in under 8 minutes, offline, installing nothing.
#
#   OUT=/path/to/results benchmarks/gpu.sh
#
# 1. steps/s of whole updates (rollout + optimization) for 8, 32, 64 and 128 environments;
# 2. the same for one count with --compile (torch.compile), and for one count with --precision bf16, if time allows;
# 3. Pong, trained for as many steps as fit in the rest of the budget, printing the score as it goes.
#
# What it writes under $OUT: throughput.json, throughput-compile.json, throughput-bf16.json, log.txt (everything printed) and
# results/pong-gpu/{metrics.csv,command.txt}, the run in the layout of reference_impl/ppo/results/<run-name>/.
# Checkpoints and TensorBoard logs stay in a temporary folder. It runs the repository's virtual environment
# (`make .venv/.stamp` creates it) unless PYTHON names another interpreter.
#
# Settings (environment variables; the defaults are the GPU run; the test suite runs it tiny on the CPU):
#   BUDGET_S      total wall-clock seconds, everything included (450)
#   ENVS          environment counts of the throughput table ("8 32 64 128")
#   NUM_STEPS     steps per rollout (128)
#   UPDATES       timed updates per count, after one warm-up (2)
#   COMPILE_ENVS  environment count timed with --compile, or 0 to skip (64)
#   BF16_ENVS     environment count timed with --precision bf16, or 0 to skip (64)
#   PRECISION     precision of the throughput table and of the Pong run: fp32 or bf16 (fp32)
#   PONG_ENVS     environments of the Pong run (32)
#   PONG_STEPS    at most this many Pong steps (0: as many as fit)
#   DEVICE        torch device (auto: CUDA when available)
set -euo pipefail

started=$SECONDS
: "${OUT:?set OUT to the folder for the results}"
BUDGET_S=${BUDGET_S:-450}
ENVS=${ENVS:-8 32 64 128}
NUM_STEPS=${NUM_STEPS:-128}
UPDATES=${UPDATES:-2}
COMPILE_ENVS=${COMPILE_ENVS:-64}
BF16_ENVS=${BF16_ENVS:-64}
PRECISION=${PRECISION:-fp32}
PONG_ENVS=${PONG_ENVS:-32}
PONG_STEPS=${PONG_STEPS:-0}
DEVICE=${DEVICE:-auto}
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1
tee_pid=$!
work=$(mktemp -d)
# At the end: remove the temporary run, and let tee write the last lines of the log
trap 'rm -rf "$work"; exec 1>&- 2>&-; wait "$tee_pid" 2>/dev/null || true' EXIT

left() { echo $((BUDGET_S - (SECONDS - started))); }
say() { echo "[gpu.sh $((SECONDS - started))s] $*"; }

say "budget ${BUDGET_S}s; $("$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name() if torch.cuda.is_available() else "")')"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
say "CPU: $(nproc) cores"

# 1. Throughput. Each step has a time box, so that a hang cannot eat the Pong run's time.
say "throughput, steps/s of whole updates (one warm-up update, then the median of $UPDATES)"
# shellcheck disable=SC2086
timeout -k 10 $(( $(left) / 3 )) "$PYTHON" benchmarks/ppo_throughput.py --env ALE/Pong-v5 --device "$DEVICE" \
    --num-steps "$NUM_STEPS" --updates "$UPDATES" --scaling $ENVS --precision "$PRECISION" \
    --json "$OUT/throughput.json" \
    || say "throughput: stopped (exit $?)"

# 2. torch.compile, for one count, in at most a quarter of what is left
if [ "$COMPILE_ENVS" != 0 ]; then
    say "throughput with --compile, $COMPILE_ENVS envs (the first update compiles)"
    timeout -k 10 $(( $(left) / 4 )) "$PYTHON" benchmarks/ppo_throughput.py --env ALE/Pong-v5 --device "$DEVICE" \
        --num-steps "$NUM_STEPS" --updates "$UPDATES" --scaling "$COMPILE_ENVS" --compile \
        --json "$OUT/throughput-compile.json" || say "compile: stopped (exit $?)"
fi
# bfloat16 autocast, for one count, in at most a quarter of what is left
if [ "$BF16_ENVS" != 0 ]; then
    say "throughput with --precision bf16, $BF16_ENVS envs"
    timeout -k 10 $(( $(left) / 4 )) "$PYTHON" benchmarks/ppo_throughput.py --env ALE/Pong-v5 --device "$DEVICE" \
        --num-steps "$NUM_STEPS" --updates "$UPDATES" --scaling "$BF16_ENVS" --precision bf16 \
        --json "$OUT/throughput-bf16.json" || say "bf16: stopped (exit $?)"
fi

# 3. Pong for the rest of the budget. The number of steps comes from the measured speed, so that the learning rate
# anneals over the whole run; Ctrl-C (SIGINT) at the time limit stops it after an update with a checkpoint anyway.
pong_s=$(( $(left) - 45 ))
if [ "$pong_s" -lt 10 ]; then
    say "no time left for the Pong run"
    exit 1
fi
total_steps=$("$PYTHON" - "$OUT/throughput.json" "$PONG_ENVS" "$NUM_STEPS" "$pong_s" "$PONG_STEPS" <<'EOF'
import json, sys
path, envs, steps, seconds, cap = sys.argv[1], *map(int, sys.argv[2:])
try:
    rows = json.load(open(path))
except (OSError, ValueError):
    rows = []
speeds = {row["num_envs"]: row["steps_per_second"] for row in rows}
# The measured speed at this count, else at the nearest measured count, else a guess
nearest = min(speeds, key=lambda count: abs(count - envs), default=None)
speed = speeds.get(envs, speeds[nearest] if nearest else 1000.0)
batch = envs * steps
# 80% of the time at the measured speed (start-up and logging take the rest), at least two updates
total = max(2 * batch, int(0.8 * speed * max(seconds - 20, 1)) // batch * batch)
print(min(total, max(cap, batch)) if cap else total)
EOF
)
run_name=pong-gpu
run="$work/$run_name"
args=(train --env ALE/Pong-v5 --num-envs "$PONG_ENVS" --num-steps "$NUM_STEPS" --total-steps "$total_steps"
      --seed 1 --device "$DEVICE" --precision "$PRECISION" --checkpoint-every 100000 --no-progress)
say "Pong: $total_steps steps with $PONG_ENVS envs, at most ${pong_s}s"
mkdir -p "$OUT/results/$run_name"
echo "python -m reference_impl.ppo ${args[*]} --out runs/$run_name" > "$OUT/results/$run_name/command.txt"

# The score curve as it goes: every 20 s, the latest update's step and mean return
(
    while sleep 20; do
        [ -f "$run/metrics.csv" ] && awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) column[$i] = i; next }
            { last = $0 } END { if (last != "") { split(last, v, ",");
            printf "[pong] update %s, step %s, mean return %s over %s games, %.0f steps/s\n", v[column["update"]],
                v[column["global_step"]], v[column["episodic_return"]], v[column["games"]],
                v[column["steps_per_second"]] } }' "$run/metrics.csv"
    done
) &
watcher=$!
status=0
timeout -s INT -k 40 "$pong_s" "$PYTHON" -m reference_impl.ppo "${args[@]}" --out "$run" || status=$?
kill "$watcher" 2>/dev/null || true
case $status in
    0) say "Pong: finished" ;;
    124 | 130) say "Pong: stopped at the time limit, after a whole update" ;;
    *) say "Pong: failed (exit $status)" ;;
esac
[ -f "$run/metrics.csv" ] && cp "$run/metrics.csv" "$OUT/results/$run_name/metrics.csv"
# How the run went, after its command, as in the committed runs
{
    updates=$(($(wc -l < "$run/metrics.csv" 2>/dev/null || echo 1) - 1))
    device_name=$("$PYTHON" -c 'import torch; print(torch.cuda.get_device_name() if torch.cuda.is_available() else "CPU")')
    echo "Run by benchmarks/gpu.sh (budget ${BUDGET_S}s) on $device_name, $(nproc) CPU cores: $updates updates (exit $status)."
    echo "Code: commit $(git rev-parse HEAD 2>/dev/null || echo unknown)."
} >> "$OUT/results/$run_name/command.txt"

# The score curve: the mean return of the games that ended, in 20 slices of the run
if [ -f "$run/metrics.csv" ]; then
    "$PYTHON" - "$run/metrics.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
if rows:
    last = int(rows[-1]["global_step"])
    print(f"score curve ({len(rows)} updates, {last} steps, {float(rows[-1]['steps_per_second']):.0f} steps/s):")
    slices = 20
    for index in range(slices):
        low, high = last * index / slices, last * (index + 1) / slices
        games = [(float(r["episodic_return"]), int(r["games"])) for r in rows
                 if low < int(r["global_step"]) <= high and r["episodic_return"]]
        count = sum(n for _, n in games)
        if count:
            mean = sum(value * n for value, n in games) / count
            print(f"  steps {int(high):>9d}: mean return {mean:6.1f} over {count} games")
EOF
fi
say "done in $((SECONDS - started))s; results in $OUT"
[ "$status" = 0 ] || [ "$status" = 124 ] || [ "$status" = 130 ]
