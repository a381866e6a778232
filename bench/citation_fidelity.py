"""Print how often our references match citeproc-js's, per style, and every difference.

.venv/bin/python bench/citation_fidelity.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")


def main() -> None:
    import django

    django.setup()
    from harness.fidelity import measure

    data = ROOT / "tests" / "citations" / "data"
    items, reference = data / "fidelity_items.json", data / "citeproc_js_reference.json"
    print("Plain text:")
    for agreement in measure(items, reference):
        print(agreement.describe())
    print("Text with italics and bold:")
    for agreement in measure(items, reference, markup=True):
        print(agreement.describe())


if __name__ == "__main__":
    main()
