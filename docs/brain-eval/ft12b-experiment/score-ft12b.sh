#!/bin/bash
# ft12b: train (from a worktree with ft12b.patch: ft12's data, fills near a set dropped), then
# score it and the shipped default, one job at a time (2 cores). Run from the repository:
#   git worktree add /tmp/wt-ft12b HEAD
#   git -C /tmp/wt-ft12b apply docs/brain-eval/ft12b-experiment/ft12b.patch
#   ln -s "$PWD/.venv" /tmp/wt-ft12b/.venv
set -u
WT=/tmp/wt-ft12b
AD=$WT/runs/qwen-0.5b-ft12b
EV=(.venv/bin/python -m evalkit --quiet --out runs/eval run --slow-units 0 --no-audio
    --latency-units 4 --batch-size 1)

if [ ! -f "$AD/run.json" ]; then
  (cd $WT && .venv/bin/python -m finetune train finetune/configs/qwen-0.5b.toml \
     --set model.threads=2 --set run.seed=1 --set run.out_dir=runs/qwen-0.5b-ft12b) \
     > runs/ft12b-train.log 2>&1 || { echo "training failed $(date)"; exit 1; }
  echo "trained $(date)"
fi
# The judge: the product as users get it.
"${EV[@]}" --variants cascade-text --byo evalkit/sets/everyday-7.jsonl --name shipped-everyday-7
echo "shipped everyday-7 done $(date)"
"${EV[@]}" --variants cascade-text --adapter "$AD" --byo evalkit/sets/everyday-7.jsonl \
  --name ft12b-everyday-7
echo "ft12b everyday-7 done $(date)"
# The guards, as ft12's seeds ran.
G=(--variants cascade-text-0.5b-tools --adapter "$AD" --name-threshold 0)
"${EV[@]}" "${G[@]}" --split dev --name ft12b-dev
"${EV[@]}" "${G[@]}" --byo evalkit/sets/holdout-phrasings.jsonl --name ft12b-holdout-phrasings
"${EV[@]}" "${G[@]}" --byo evalkit/sets/timer-durations.jsonl --name ft12b-timer-durations
echo "all done $(date)"
