#!/bin/bash
# times-2.jsonl (times.jsonl: the same with its name): the moment grounding (this checkout) and
# without it (608c337, the commit before it), as ../with-without.sh runs them.
#   git worktree add --detach /tmp/wt-before 608c337 && ln -s "$PWD/.venv" /tmp/wt-before/.venv
exec bash "$(dirname "$0")/../with-without.sh" times-2 moments2-times-2 /tmp/wt-before
