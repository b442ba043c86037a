#!/bin/bash
# doses-2.jsonl: the shipped default (cascade-text, typed), with the bare-count rule (main) and
# without it (0faf511, the commit before it), one after the other. Without: a worktree,
#   git worktree add --detach /tmp/wt-doses2 0faf511 && ln -s "$PWD/.venv" /tmp/wt-doses2/.venv
set -u

for PAIR in with:/work/main without:/tmp/wt-doses2; do
  TAG=${PAIR%%:*}; DIR=${PAIR#*:}
  (cd "$DIR" && .venv/bin/python -m evalkit --quiet --out /work/main/runs/eval run --variants cascade-text \
    --slow-units 0 --no-audio --latency-units 4 --batch-size 1 \
    --byo /work/main/evalkit/sets/doses-2.jsonl --name "doses-2-$TAG") > "runs/eval/doses-2-$TAG.log" 2>&1
  echo "$TAG done $(date)"; tail -1 "runs/eval/doses-2-$TAG.log"
done
echo "all done $(date)"
