"""How much memory this machine can give a model, and how much a model needs: asked before loading one.

Linux only (/proc/meminfo and the cgroup's limit); elsewhere the memory is
unknown and nothing is refused.
"""

from __future__ import annotations

from pathlib import Path

GIB = 1 << 30
# What a loaded model needs besides its weights: the runtime, its buffers, a batch.
RUN_OVERHEAD = 256 << 20


def available_memory(root: Path = Path("/")) -> int | None:
    """Bytes a new allocation can take now without swapping: MemAvailable, or less when this
    process's cgroup has a lower limit; None when unknown. `root`: where /proc and /sys are.

    A cgroup's usage counts its page cache, which the kernel gives back under
    pressure: the inactive part of it (memory.stat's `inactive_file`, v1's
    `total_inactive_file`) is left out, as the kernel's own working-set figure does
    (Linux Documentation/admin-guide/cgroup-v2.rst, "memory.stat").
    """
    found = []
    try:
        for line in (root / "proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    for folder, limit_name, usage_name, inactive_key in (
        ("sys/fs/cgroup", "memory.max", "memory.current", "inactive_file"),  # cgroup v2
        ("sys/fs/cgroup/memory", "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"),  # v1
    ):
        try:
            limit = (root / folder / limit_name).read_text(encoding="ascii").strip()
            usage = int((root / folder / usage_name).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if limit.isdigit() and int(limit) < 1 << 60:  # "max", or v1's huge number: no limit
            working_set = max(usage - _stat(root / folder / "memory.stat").get(inactive_key, 0), 0)
            found.append(max(int(limit) - working_set, 0))
    return min(found) if found else None


def _stat(path: Path) -> dict[str, int]:
    """A cgroup's memory.stat as {key: value}; empty when it cannot be read."""
    try:
        pairs = (line.split() for line in path.read_text(encoding="ascii").splitlines())
        return {pair[0]: int(pair[1]) for pair in pairs if len(pair) == 2 and pair[1].isdigit()}
    except OSError:
        return {}


def run_memory(model_bytes: int, compute_type: str, stored_int8: bool) -> int:
    """Bytes a CTranslate2 model of `model_bytes` (its model.bin) needs to run.

    Weights stored as int8 and computed in a float type take 4 (float32) or 2
    (16-bit types) bytes a weight instead of 1; otherwise as stored.
    """
    factor = 1
    if stored_int8 and not compute_type.startswith("int8") and compute_type not in ("default", "auto"):
        factor = 4 if compute_type == "float32" else 2
    return int(model_bytes * factor * 1.1) + RUN_OVERHEAD


def gib(size: int) -> str:
    """`size` bytes in GiB, for people: "2.4 GiB"."""
    return f"{size / GIB:.1f} GiB"
