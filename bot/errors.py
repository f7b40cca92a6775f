"""Errors that reach users. Each carries a one-line, user-facing message."""


class CopydeskError(Exception):
    """Base class: the message is safe to show to a user (no paths of secrets, no traceback)."""

    exit_code = 1


class BadInput(CopydeskError):
    """The input cannot be used (missing, empty, binary, too large, not English...). Exit status 2."""

    exit_code = 2


class ArchiveError(CopydeskError):
    """The archive file cannot be opened or written (corrupt, unwritable). Exit status 2."""

    exit_code = 2


class ModelMissing(CopydeskError):
    """No usable spaCy pipeline is installed."""

    exit_code = 1


class ArchiveBusy(ArchiveError):
    """Another process held the archive's write lock for longer than the configured wait."""

    MESSAGE = "the archive is busy: another process is writing to it"

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)
