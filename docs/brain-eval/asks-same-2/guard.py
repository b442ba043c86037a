"""asks-same-2's guard is asks-same's (`../asks-same/guard.py`), run with the rule as it
now stands: the committed typed items it reads otherwise than the commit before the first try.

python docs/brain-eval/asks-same-2/guard.py OUT.jsonl
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[1] / "asks-same" / "guard.py"), run_name="__main__")
