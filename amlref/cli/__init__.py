"""The command line: ``amlref [--library PATH] COMMAND ...`` (see ``amlref --help``).

Each command group lives in its own module with a ``register(subparsers)`` function; the
modules are listed in ``main.COMMAND_MODULES``.  Nothing here imports Qt except ``gui``."""
