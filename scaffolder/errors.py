"""One exception hierarchy for everything a user can cause.

Every error carries one clear sentence (the message), a hint saying what to do
next, and the exit code the CLI returns. Library and AWS errors are translated
into these at the seams (init/render.py, provision/, ops/clients.py); the CLI prints
them without a traceback unless --debug is given.

Exit codes (documented in docs/exit-codes.md):
  0  success
  1  the command ran and found a problem (audit under --fail-under, a failed
     backup verification, merge conflicts left by init)
  2  usage error: bad arguments or options
  3  bad input: a file in the repository or the project config is malformed
  4  the git working tree is not in a state the command can work on
  5  a required tool is missing (Pulumi CLI, pg_dump, initdb)
  6  cloud credentials or permissions are missing or expired
  7  the cloud or Pulumi refused or failed an operation
  8  refused for safety (prod without --yes, a stateful replace without --allow-replace)
  70 scaffold itself failed unexpectedly (a bug); the details are in a crash log
  130 interrupted (Ctrl-C, SIGTERM, SIGHUP); cleanup has run
"""

from __future__ import annotations


class ScaffoldError(Exception):
    """Base class: a failure the user can understand and act on."""

    exit_code: int = 1
    default_hint: str = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint

    def __str__(self) -> str:
        return self.message


class CheckFailed(ScaffoldError):
    """The command worked, and what it checked is not good enough."""

    exit_code = 1


class UsageError(ScaffoldError):
    exit_code = 2
    default_hint = "Run the command with --help to see its options and examples."


class InputError(ScaffoldError):
    """A file the user owns (config, answers, .env) cannot be read or parsed."""

    exit_code = 3


class GitStateError(ScaffoldError):
    exit_code = 4
    default_hint = "Commit or stash your changes first, or pass --allow-dirty."


class MissingToolError(ScaffoldError):
    exit_code = 5


class CredentialsError(ScaffoldError):
    exit_code = 6
    default_hint = (
        "Configure AWS credentials (aws configure, aws sso login, or AWS_PROFILE) "
        "and make sure they have not expired."
    )


class CloudError(ScaffoldError):
    exit_code = 7


class SafetyRefusal(ScaffoldError):
    exit_code = 8


class InternalError(ScaffoldError):
    """Not the user's doing: an exception no seam translated (EX_SOFTWARE from sysexits.h)."""

    exit_code = 70


class Interrupted(ScaffoldError):
    """Ctrl-C, or SIGTERM/SIGHUP (a CI cancel, a closed terminal): cleanup ran first.

    One code for every signal rather than 128+signal: what a script needs to
    know is "stopped from outside, nothing left behind", not which signal it was.
    """

    exit_code = 130
    default_hint = "Nothing was left half-done; run the command again when ready."


EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "the check ran and failed (score under --fail-under, failed verification, merge conflicts)",
    2: "usage error",
    3: "malformed input file",
    4: "git working tree not in a usable state",
    5: "a required tool is missing",
    6: "cloud credentials missing, expired or not permitted",
    7: "the cloud or Pulumi failed an operation",
    8: "refused for safety (needs an explicit flag or confirmation)",
    70: "scaffold failed unexpectedly (a bug); details in a crash log",
    130: "interrupted",
}
