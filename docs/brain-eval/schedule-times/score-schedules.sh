#!/bin/bash
# schedules.jsonl: the schedule-times rule (this checkout) and without it (3cf55d0, the commit
# before it), as ../with-without.sh runs them.
#   git worktree add --detach /tmp/wt-sched 3cf55d0 && ln -s "$PWD/.venv" /tmp/wt-sched/.venv
exec bash "$(dirname "$0")/../with-without.sh" schedules schedules /tmp/wt-sched
