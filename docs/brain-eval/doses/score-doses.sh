#!/bin/bash
# doses.jsonl: the dose grounding (this checkout) and without it (a7ac371), as ../with-without.sh
# runs them.
#   git worktree add --detach /tmp/wt-doses a7ac371 && ln -s "$PWD/.venv" /tmp/wt-doses/.venv
exec bash "$(dirname "$0")/../with-without.sh" doses doses /tmp/wt-doses
