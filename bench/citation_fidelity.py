"""Print how often our references match citeproc-js's, per style, and every difference.

.venv/bin/python bench/citation_fidelity.py                 # the stored set, four styles
.venv/bin/python bench/citation_fidelity.py --generated     # generated items, ten styles,
                                                            # citeproc-js run now in Node
.venv/bin/python bench/citation_fidelity.py --generated --batches 8 --seed 3
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")


def stored_set() -> None:
    from harness.fidelity import measure

    data = ROOT / "tests" / "citations" / "data"
    items, reference = data / "fidelity_items.json", data / "citeproc_js_reference.json"
    print("Plain text:")
    for agreement in measure(items, reference):
        print(agreement.describe())
    print("Text with italics and bold:")
    for agreement in measure(items, reference, markup=True):
        print(agreement.describe())


def generated_items(batches: int, seed: int) -> list[dict]:
    """Items drawn by the test suite's hypothesis strategy, reproducibly from ``seed``."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as with_seed

    from harness.generated_items import batches_of_items

    drawn: list[dict] = []

    @settings(max_examples=batches, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @with_seed(seed)
    @given(batches_of_items(48))
    def collect(batch):
        drawn.extend(batch)

    collect()
    return [{**item, "id": f"g{number}"} for number, item in enumerate(drawn)]


def generated(batches: int, seed: int) -> None:
    from harness.fidelity import TEN_STYLES, compare

    items = generated_items(batches, seed)
    print(f"{len(items)} generated items (seed {seed}), citeproc-js run now:")
    found = compare(items, TEN_STYLES)
    print("Plain text:")
    for agreement in found["text"]:
        print(agreement.describe())
    print("Text with italics and bold:")
    for agreement in found["markup"]:
        print(agreement.describe())


def main() -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", action="store_true")
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    django.setup()
    if arguments.generated:
        generated(arguments.batches, arguments.seed)
    else:
        stored_set()


if __name__ == "__main__":
    main()
