#!/bin/bash
# doses-2.jsonl: the bare-count rule (this checkout) and without it (0faf511, the commit before
# it), as ../with-without.sh runs them.
#   git worktree add --detach /tmp/wt-doses2 0faf511 && ln -s "$PWD/.venv" /tmp/wt-doses2/.venv
exec bash "$(dirname "$0")/../with-without.sh" doses-2 doses-2 /tmp/wt-doses2
