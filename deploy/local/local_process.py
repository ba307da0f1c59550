"""What the local Kafka broker and PostgreSQL cluster runners share. Stdlib only."""

import socket
from types import TracebackType
from typing import Self

LOOPBACK = "127.0.0.1"
LOG_TAIL_LINES = 40


def tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    """Last lines of some output, for error messages that stay readable."""
    return "\n".join(text.splitlines()[-lines:])


def free_port(taken: frozenset[int] = frozenset()) -> int:
    """Ask the kernel for an unused loopback port not already in ``taken``."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((LOOPBACK, 0))
            port = int(sock.getsockname()[1])
        if port not in taken:
            return port


class StartStop:
    """``with server:`` starts it and always stops it."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
