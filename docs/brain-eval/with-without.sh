#!/bin/bash
# A rule judged on a set: the shipped default (cascade-text, evalkit's defaults), typed, with the
# rule (this checkout) and without it (a worktree of the commit before it, its venv linked),
# one after the other. Run from the repository:
#   git worktree add --detach /tmp/wt-before BASE && ln -s "$PWD/.venv" /tmp/wt-before/.venv
#   bash docs/brain-eval/with-without.sh SET NAME /tmp/wt-before
# writes runs/eval/NAME-with and runs/eval/NAME-without (and their logs). SET is a set's name
# in evalkit/sets, or a BYO file's path ending in .jsonl (a guard set built for a rule).
set -u
SET=$1; NAME=$2; BEFORE=$3
HERE=$PWD
case $SET in
  *.jsonl) BYO=$(realpath "$SET") ;;
  *) BYO=$HERE/evalkit/sets/$SET.jsonl ;;
esac
mkdir -p runs/eval

for PAIR in "with:$HERE" "without:$BEFORE"; do
  TAG=${PAIR%%:*}; DIR=${PAIR#*:}
  (cd "$DIR" && .venv/bin/python -m evalkit --quiet --out "$HERE/runs/eval" run \
     --variants cascade-text --slow-units 0 --no-audio --latency-units 4 --batch-size 1 \
     --byo "$BYO" --name "$NAME-$TAG") > "runs/eval/$NAME-$TAG.log" 2>&1
  echo "$TAG done $(date)"; tail -1 "runs/eval/$NAME-$TAG.log"
done
echo "all done $(date)"
