"""The `translate` script and `python -m translator`: the CLI, with Ctrl-C while it starts as quiet as later."""

import sys


def main() -> None:
    """Run the CLI; Ctrl-C during its imports (a second or more on a loaded machine) exits 130, no traceback."""
    try:
        from .cli import cli
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)  # the value of cli.common.EXIT_INTERRUPTED, which may not be imported yet
    cli(prog_name="translate")


if __name__ == "__main__":
    main()
