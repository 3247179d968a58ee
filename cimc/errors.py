"""The error type for mistakes a user can make: bad files, unsupported ops, bad arch values."""

from xdsl.utils.exceptions import DiagnosticException


class CimcError(DiagnosticException):
    """A user-facing error. The CLI tools print its message as one line and exit non-zero.

    It is a DiagnosticException so that `cimc-opt --verify-diagnostics` reports it like a
    verifier message.
    """
