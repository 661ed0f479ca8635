"""How much memory this machine can give a model, and how much a model needs: asked before loading one.

Linux only (/proc/meminfo and the cgroup's limit); elsewhere the memory is
unknown and nothing is refused.
"""

from __future__ import annotations

from pathlib import Path

GIB = 1 << 30
# What a loaded model needs besides its weights: the runtime, its buffers, a batch.
RUN_OVERHEAD = 256 << 20


def available_memory() -> int | None:
    """Bytes a new allocation can take now without swapping: MemAvailable, or less when this
    process's cgroup has a lower limit; None when unknown."""
    found = []
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    for limit_file, usage_file in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),  # cgroup v2
        ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"),  # v1
    ):
        try:
            limit = Path(limit_file).read_text(encoding="ascii").strip()
            usage = int(Path(usage_file).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if limit.isdigit() and int(limit) < 1 << 60:  # "max", or v1's huge number: no limit
            found.append(max(int(limit) - usage, 0))
    return min(found) if found else None


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
