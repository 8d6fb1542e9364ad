"""The project's own error type for problems an operator can fix.

Why one base class: the CLI prints a ``UserError`` as its message in plain words and exits
non-zero, without a Python traceback (a bad targets file, a missing pseudonym key, an unknown
file given to ``--accept``). Every other exception is a bug and keeps its traceback, so a
bug is never disguised as an operator's mistake.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with the operator's files, settings or command line; the message says what
    is wrong and what to do, naming the file (and line) where there is one."""
