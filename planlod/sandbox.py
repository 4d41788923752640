"""Confining a process that runs untrusted SPARQL: it dies with its parent, its memory is
capped, and it cannot open a network connection.

Linux only. The network is closed with a seccomp filter (libseccomp through pyseccomp):
``socket()`` of any family but AF_UNIX fails with EACCES, and io_uring (which could open
sockets without that system call) is refused. A query worker installs all of this before it
reads its first request; its pipe to the parent is already open and stays usable.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import socket

PR_SET_PDEATHSIG = 1
IO_URING_CALLS = ("io_uring_setup", "io_uring_enter", "io_uring_register")


class SandboxUnavailable(RuntimeError):
    """This platform cannot close the network to a query worker."""


def die_with_parent(parent_pid: int, sig: int = signal.SIGKILL) -> None:
    """Be sent ``sig`` when the parent ends, however it ends.

    The kernel sends it when the *thread* that started this process exits, so the parent must
    start its workers from one long-lived thread. If the parent died before this took effect,
    this process has already been adopted by another: end now rather than run unwatched.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:
        os._exit(1)


def limit_memory(limit_bytes: int) -> None:
    """Cap the heap and anonymous mappings (RLIMIT_DATA); a store's file mappings do not count.

    An allocation over the cap fails: Python raises MemoryError, Rust code (the store) aborts
    the process. No core file: an aborted worker would otherwise write its whole heap to disk.
    """
    resource.setrlimit(resource.RLIMIT_DATA, (limit_bytes, limit_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def deny_network() -> None:
    """Install the seccomp filter for this process and all its threads, or :class:`SandboxUnavailable`."""
    try:
        import pyseccomp as seccomp
    except (ImportError, RuntimeError, OSError) as exc:  # pyseccomp raises RuntimeError without libseccomp.so.2
        raise SandboxUnavailable(f"libseccomp cannot be loaded ({exc}); install libseccomp2 and pyseccomp") from None
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        for call in IO_URING_CALLS:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), call)
        rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)
        rules.load()
    except (OSError, RuntimeError, ValueError) as exc:
        raise SandboxUnavailable(f"the kernel refused the seccomp filter ({exc})") from None
