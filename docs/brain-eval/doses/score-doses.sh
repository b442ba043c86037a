#!/bin/bash
# doses.jsonl: the shipped default (cascade-text, name check as shipped), with the dose grounding
# (main) and without the dose rule (a7ac371), typed, one after the other.
# Without: a worktree of a7ac371 with the venv linked:
#   git worktree add /tmp/wt-doses a7ac371 && ln -s "$PWD/.venv" /tmp/wt-doses/.venv
set -u

for PAIR in with:/work/main without:/tmp/wt-doses; do
  TAG=${PAIR%%:*}; DIR=${PAIR#*:}
  (cd "$DIR" && .venv/bin/python -m evalkit --quiet --out /work/main/runs/eval run --variants cascade-text \
    --slow-units 0 --no-audio --latency-units 4 --batch-size 1 \
    --byo /work/main/evalkit/sets/doses.jsonl --name "doses-$TAG") > "runs/eval/doses-$TAG.log" 2>&1
  echo "$TAG done $(date)"; tail -1 "runs/eval/doses-$TAG.log"
done
echo "all done $(date)"
