"""Commands run as on a platform without seccomp: a filter of our own makes seccomp(2) and
prctl(PR_SET_SECCOMP) fail, and the command (and all it starts) inherits it."""

from __future__ import annotations

import sys

WITHOUT_SECCOMP = """
import errno, os, sys
import pyseccomp as seccomp
rules = seccomp.SyscallFilter(seccomp.ALLOW)
rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "seccomp")
rules.add_rule(seccomp.ERRNO(errno.EINVAL), "prctl", seccomp.Arg(0, seccomp.EQ, 22))  # PR_SET_SECCOMP
rules.load()
os.execv(sys.argv[1], sys.argv[1:])
"""


def without_seccomp(argv: list[str]) -> list[str]:
    return [sys.executable, "-c", WITHOUT_SECCOMP, *argv]
