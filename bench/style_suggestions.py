"""What one unknown ``?style=`` id costs: the suggestions on the "No style called" page.

    .venv/bin/python bench/style_suggestions.py [--ids 100] [--seed 3]

Anyone can send any id, so this is work an anonymous client can make the
server do. Side by side, on the same ids: *before*, difflib compared the id
with all 10,843 style ids in Python (as Masthead did until the change that
added this script); *after*, ``styles.suggest`` compares them with rapidfuzz.
The ids are real ones with one typing slip each, and invented ones of
every length up to the 150 characters a request may use. Prints CPU
milliseconds per id and how often both agree on the first suggestion;
passes or fails nothing.
"""

import argparse
import difflib
import os
import random
import statistics
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def difflib_suggestions(style_id: str, ids: list[str], limit: int = 8) -> list[str]:
    """The suggestions as they were computed before: difflib over every id."""
    query = (style_id or "").lower()[:150]
    close = difflib.get_close_matches(query, ids, n=limit, cutoff=0.6)
    contains = [i for i in ids if query and query in i and i not in close]
    return (close + contains)[:limit]


def slip(style_id: str, rng: random.Random) -> str:
    """The id with one typing slip: a letter dropped, doubled, swapped or replaced."""
    at = rng.randrange(len(style_id))
    kind = rng.choice(["drop", "double", "swap", "replace"])
    if kind == "drop":
        return style_id[:at] + style_id[at + 1 :]
    if kind == "double":
        return style_id[:at] + style_id[at] + style_id[at:]
    if kind == "swap" and at + 1 < len(style_id):
        return style_id[:at] + style_id[at + 1] + style_id[at] + style_id[at + 2 :]
    return style_id[:at] + rng.choice(string.ascii_lowercase) + style_id[at + 1 :]


def unknown_ids(known: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    found = []
    while len(found) < count:
        if len(found) % 2 == 0:
            candidate = slip(rng.choice(known), rng)
        else:
            length = rng.choice([3, 8, 20, 40, 80, 150])
            candidate = "".join(rng.choice(string.ascii_lowercase + "-") for _ in range(length))
        if candidate not in known:
            found.append(candidate)
    return found


def cpu_ms(function, ids: list[str]) -> list[float]:
    costs = []
    for style_id in ids:
        started = time.process_time()
        function(style_id)
        costs.append((time.process_time() - started) * 1000)
    return costs


def describe(costs: list[float]) -> str:
    ordered = sorted(costs)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"mean {statistics.mean(costs):7.2f}  median {statistics.median(costs):7.2f}  "
        f"p95 {p95:7.2f}  max {max(costs):7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ids", type=int, default=100, help="unknown ids to try (default 100)")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from masthead.citations import styles

    known = sorted(styles.all_style_ids())
    ids = unknown_ids(known, max(1, args.ids), args.seed)
    # Both sides start warm: the id list is read once per process either way, and
    # the titles of suggested styles are read from disk once and then kept.
    for style_id in ids:
        styles.suggest(style_id)

    before = cpu_ms(lambda i: difflib_suggestions(i, known), ids)
    after = cpu_ms(styles.suggest, ids)
    same_first = sum(
        (difflib_suggestions(i, known)[:1] == [s.id for s in styles.suggest(i)][:1]) for i in ids
    )

    print(f"{len(known)} style ids; {len(ids)} unknown ids (half typing slips, half invented)")
    print("CPU milliseconds per unknown id:")
    print(f"  before (difflib)   {describe(before)}")
    print(f"  after  (rapidfuzz) {describe(after)}")
    print(f"  {statistics.mean(before) / statistics.mean(after):.0f} x less CPU on average")
    print(f"same first suggestion (or none from both): {same_first} of {len(ids)}")


if __name__ == "__main__":
    main()
