"""The package's errors: one base, :class:`CdvError`, whose message is French and says what to fix.

The ``cdv`` command catches :class:`CdvError` and prints its message (exit code ``exit_code``), never a
traceback. Each error lives beside the code that raises it and subclasses the base; those that replaced a
plain ``ValueError`` or ``RuntimeError`` still are one, so that no existing ``except`` changes meaning::

    CdvError
    ├── problems.DataError                 a territory's data cannot be used (every problem, located)
    ├── clean.ParseError (ValueError)      a number, amount or percentage that cannot be read
    ├── ids.UnsafeId (ValueError)          an identifier from the data that is not a safe folder name
    ├── importers.ImportFailed             an import refused, nothing written (every problem, located)
    ├── questionnaires.QuestionnaireError  a questionnaire export or its mapping that cannot be read
    ├── writes.WriteFailed                 an output that cannot be written (disk full, read-only…)
    ├── harmonise.VocabularyError (ValueError)  a vocabulary file that contradicts itself
    ├── AssemblyError (ValueError)         section notebooks that cannot make one report
    │   └── UnknownParameter               a papermill parameter that the notebook does not declare
    ├── engine.KernelError (RuntimeError)  a warm kernel that failed to prepare or reset
    ├── publish.build.BuildInterrupted     a build stopped by Ctrl-C or SIGTERM (exit 128 + signal)
    └── cli.Refused                        a command that cannot run as asked (its own exit code)

This module imports nothing: the command imports it before pandas loads.
"""

from __future__ import annotations

__all__ = ["CdvError", "AssemblyError", "UnknownParameter"]


class CdvError(Exception):
    """An error of cdv-analysis, worded in French for the person who can act on it."""

    exit_code = 1  # the ``cdv`` command's exit code when this error ends it

    @property
    def message(self) -> str:
        """The French message the command prints (the error's text)."""
        return str(self)


class AssemblyError(CdvError, ValueError):
    """Section notebooks that cannot be assembled into one report (a ``setup`` cell that differs)."""


class UnknownParameter(AssemblyError):
    """A papermill parameter that the notebook's ``parameters`` cell does not declare."""
