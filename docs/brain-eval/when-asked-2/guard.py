"""when-asked-2's guard is when-asked's (`../when-asked/guard.py`), with the mended rule as its
commit had it: the committed typed items it reads a reminder's time for.

python docs/brain-eval/when-asked-2/guard.py OUT.jsonl
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[1] / "when-asked" / "guard.py"), run_name="__main__")
