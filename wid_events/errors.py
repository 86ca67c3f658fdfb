"""Domain errors raised by services. Views and the CLI turn them into responses or exit codes."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal with a message fit to show the user."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        #: The form field the problem belongs to, when there is one.
        self.field = field


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class ValidationFailed(DomainError):
    """Several problems at once (e.g. an event package). ``problems`` holds one message each."""

    status = 422
    code = "validation_failed"

    def __init__(self, problems: list[str], message: str | None = None) -> None:
        super().__init__(message or "; ".join(problems))
        self.problems = problems


class BalanceGateError(DomainError):
    """Publishing (or an edit of a published agenda) would leave a failing panel unexempted."""

    status = 409
    code = "balance_gate"

    def __init__(self, message: str, verdicts: list | None = None) -> None:
        super().__init__(message)
        #: The failing panels' verdicts, for the page that explains and suggests.
        self.verdicts = verdicts or []
