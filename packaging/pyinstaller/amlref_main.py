"""The frozen build's entry point: the ``amlref`` command (with no command: the window)."""
import multiprocessing
import sys

if __name__ == "__main__":
    # worker processes (parallel parsing, classification, PDF isolation) start this executable
    # again; freeze_support() makes them run their task instead of a second app
    multiprocessing.freeze_support()
    from amlref.cli.main import main
    sys.exit(main())
