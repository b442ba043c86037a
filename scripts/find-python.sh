#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter (liquid-audio needs 3.12), or explain and fail.
set -u
ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }
for cand in "${PYTHON:-}" python3.12 python3; do
  [ -n "$cand" ] || continue
  path=$(command -v "$cand" 2>/dev/null) || continue
  if ok "$path"; then echo "$path"; exit 0; fi
done
# Prefer 3.12, the version liquid-audio is tested on. pyenv installs that are not the global version are not on PATH through their shims.
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[2-9]' | sort -V); do
    path="$(pyenv root)/versions/$v/bin/python3"
    if ok "$path"; then echo "$path"; exit 0; fi
  done
fi
for path in /usr/bin/python3.1[2-9] /usr/local/bin/python3.1[2-9]; do
  if [ -x "$path" ] && ok "$path"; then echo "$path"; exit 0; fi
done
echo "error: no Python >= 3.12 found (liquid-audio needs it). Install one (e.g. 'pyenv install 3.12'," \
     "or your distribution's python3.12) or set PYTHON=/path/to/python3.12." >&2
exit 1
