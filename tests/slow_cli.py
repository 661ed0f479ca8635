"""`translate` with a slow stand-in model, for tests that need real concurrent processes.

    python -m tests.slow_cli SECONDS_PER_SENTENCE CHUNK_SENTENCES ARGS...

runs `translate ARGS...` in this process, the engine a FakeEngine that takes
SECONDS_PER_SENTENCE per sentence, two sentences a step, and batch runs claiming
CHUNK_SENTENCES sentences at a time, so that several processes interleave.
With SLOW_CLI_BARRIER=FOLDER:N in the environment, the engine, made once a run
holds its first claim, waits until N processes have made theirs: then N runs
surely work at once.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from translator.translation import pipeline
from translator.app import App
from translator.cli import cli

from .conftest import FakeEngine


class SlowEngine(FakeEngine):
    def __init__(self, seconds_per_sentence: float):
        super().__init__(step=2)
        self.seconds_per_sentence = seconds_per_sentence
        if os.environ.get("SLOW_CLI_BARRIER"):
            folder, count = os.environ["SLOW_CLI_BARRIER"].rsplit(":", 1)
            (Path(folder) / str(os.getpid())).touch()
            deadline = time.monotonic() + 120
            while len(list(Path(folder).iterdir())) < int(count) and time.monotonic() < deadline:
                time.sleep(0.05)

    def translate(self, sentences):
        time.sleep(self.seconds_per_sentence * len(sentences))
        return super().translate(sentences)


def main(argv: list[str]) -> None:
    seconds, chunk, *args = argv
    pipeline.CHUNK_SENTENCES = int(chunk)
    cli.main(args, obj=App(engine_factory=lambda config: SlowEngine(float(seconds))), prog_name="translate")


if __name__ == "__main__":
    main(sys.argv[1:])
