#!/bin/bash
# times-2.jsonl (times.jsonl: the same with its name): the shipped default (cascade-text, name check as shipped), with the moment grounding
# (main) and without it (608c337, the commit before it), typed, one after the other.
# Without: a worktree of 608c337 with the venv linked:
#   git worktree add /tmp/wt-before 608c337 && ln -s "$PWD/.venv" /tmp/wt-before/.venv
set -u

for PAIR in with:/work/main without:/tmp/wt-before; do
  TAG=${PAIR%%:*}; DIR=${PAIR#*:}
  (cd "$DIR" && .venv/bin/python -m evalkit --quiet --out /work/main/runs/eval run --variants cascade-text \
    --slow-units 0 --no-audio --latency-units 4 --batch-size 1 \
    --byo /work/main/evalkit/sets/times-2.jsonl --name "moments2-$TAG-times-2") > "runs/eval/moments2-$TAG-times-2.log" 2>&1
  echo "$TAG done $(date)"; tail -1 "runs/eval/moments2-$TAG-times-2.log"
done
echo "all done $(date)"
