"""What memory a model may take: /proc/meminfo and the cgroup's limit, read from a made-up root."""

from __future__ import annotations

from pathlib import Path

import pytest

from translator.translation.hardware import available_memory

GIB, MIB = 1 << 30, 1 << 20


def machine(root: Path, available_kib: int, files: dict[str, str]) -> Path:
    (root / "proc").mkdir(parents=True)
    (root / "proc/meminfo").write_text(f"MemTotal: 99999999 kB\nMemAvailable: {available_kib} kB\n")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_no_cgroup_limit_means_memavailable(tmp_path: Path):
    root = machine(tmp_path, 8 * 1024 * 1024, {"sys/fs/cgroup/memory.max": "max\n", "sys/fs/cgroup/memory.current": "5\n"})
    assert available_memory(root) == 8 * GIB


@pytest.mark.parametrize(
    "files",
    [
        {
            "sys/fs/cgroup/memory.max": f"{4 * GIB}\n",
            "sys/fs/cgroup/memory.current": f"{3 * GIB}\n",
            "sys/fs/cgroup/memory.stat": f"anon {GIB}\nfile {2 * GIB}\ninactive_file {1536 * MIB}\nactive_file 1\n",
        },
        {
            "sys/fs/cgroup/memory/memory.limit_in_bytes": f"{4 * GIB}\n",
            "sys/fs/cgroup/memory/memory.usage_in_bytes": f"{3 * GIB}\n",
            "sys/fs/cgroup/memory/memory.stat": f"cache {2 * GIB}\ninactive_file 7\ntotal_inactive_file {1536 * MIB}\n",
        },
    ],
    ids=["v2", "v1"],
)
def test_a_cgroups_inactive_page_cache_counts_as_free(tmp_path: Path, files: dict):
    """4 GiB limit, 3 GiB used of which 1.5 GiB inactive file cache: 2.5 GiB can be had."""
    assert available_memory(machine(tmp_path, 64 * 1024 * 1024, files)) == 4 * GIB - 3 * GIB + 1536 * MIB


def test_without_memory_stat_the_whole_usage_counts(tmp_path: Path):
    files = {"sys/fs/cgroup/memory.max": f"{4 * GIB}\n", "sys/fs/cgroup/memory.current": f"{3 * GIB}\n"}
    assert available_memory(machine(tmp_path, 64 * 1024 * 1024, files)) == GIB


def test_nothing_readable_is_unknown(tmp_path: Path):
    assert available_memory(tmp_path) is None
