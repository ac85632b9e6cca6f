"""The frozen build's entry point: the ``amlref`` command (with no command: the window)."""
import multiprocessing
import sys

if __name__ == "__main__":
    # worker processes (parallel parsing, classification, PDF isolation) start this executable
    # again; freeze_support() makes them run their task instead of a second app
    multiprocessing.freeze_support()
    if sys.argv[1:2] == ["--amlref-pdf-child"]:      # amlref.pdf.isolate.child_command
        from amlref.pdf.child import main as pdf_child
        sys.argv = sys.argv[:1] + sys.argv[2:]
        sys.exit(pdf_child())
    from amlref.cli.main import main
    sys.exit(main())
