"""taken-back-4's guard is taken-back-3's (`../taken-back-3/guard.py`), run with the rule as it
now stands: the committed typed items it reads otherwise than the commit before the first try.

python docs/brain-eval/taken-back-4/guard.py OUT.jsonl
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[1] / "taken-back-3" / "guard.py"), run_name="__main__")
