"""What the benchmarks need to know about the server processes they start (Linux /proc)."""

import os
from pathlib import Path


def tree_cpu_seconds(root_pid: int) -> float:
    """CPU time used so far by ``root_pid`` and all its descendants, finished ones included.

    A child that has exited and been waited for (a pandoc run, a respawned worker) is
    in its parent's cumulative-children figures, so the sum never goes down.
    """
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    ticks, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        if pid in stats:
            ticks += sum(int(n) for n in stats[pid][11:15])  # utime stime cutime cstime
        todo.extend(children.get(pid, []))
    return ticks / os.sysconf("SC_CLK_TCK")
