"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the digest and alert tests."""

from __future__ import annotations

import socket

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A free port: aiosmtpd's readiness check cannot use port 0."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """Keeps what it receives; answers 451 to the first `fail_first` DATA commands."""

    def __init__(self, fail_first: int = 0):
        self.messages, self.fail_first, self.tries = [], fail_first, 0

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        if self.tries <= self.fail_first:
            return "451 4.3.0 Try again later"
        self.messages.append(envelope)
        return "250 OK"


def start_server(handler, **kw) -> Controller:
    ctl = Controller(handler, hostname="127.0.0.1", port=free_port(), **kw)
    ctl.start()
    return ctl
