"""The `translate` script and `python -m translator`: the CLI, with Ctrl-C while it starts as quiet as later."""

import os
import sys

EXIT_INTERRUPTED = 130  # cli.common.EXIT_INTERRUPTED, which may not be imported yet


def main() -> None:
    """Run the CLI; Ctrl-C during its imports (a second or more on a loaded machine) exits 130, no traceback.

    After an interrupt, once a CTranslate2 model is loaded (engine.model_loaded), the process
    ends without Python's own shutdown: tearing down the model's thread pool there aborted
    ("terminate called without an active exception", exit 134) in 6 of 39 interrupts between
    two model calls in session 10's tries. What the run finished is committed already (SQLite
    is crash-safe); the streams are flushed first. cli.common.exit_interrupted does the same
    while a model call is still running.
    """
    try:
        from .cli import cli
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(EXIT_INTERRUPTED)
    try:
        cli(prog_name="translate")
    except SystemExit as stopped:
        engine = sys.modules.get("translator.translation.engine")
        if stopped.code == EXIT_INTERRUPTED and engine is not None and engine.model_loaded():
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)
        raise


if __name__ == "__main__":
    main()
