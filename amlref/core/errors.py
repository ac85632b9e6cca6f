"""Errors that reach a user as one clear line (the CLI prints ``str(err)`` and exits 2)."""


class AmlrefError(Exception):
    """Base class: the message is meant for the user."""

    exit_code = 2


class UsageError(AmlrefError):
    pass


class InputError(AmlrefError):
    """An input file or value that cannot be used."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        self.file, self.line, self.bare = file, line, message
        where = ""
        if file:
            where = f"{file}:{line}: " if line else f"{file}: "
        super().__init__(where + message)


class IdentifierError(InputError):
    pass


class LibraryError(AmlrefError):
    """The library file cannot be opened or used."""


class NotFound(AmlrefError):
    pass


class Cancelled(AmlrefError):
    exit_code = 1

    def __init__(self, message: str = "cancelled"):
        super().__init__(message)


class NetworkError(AmlrefError):
    """An online lookup failed (offline, timeout, server error)."""
