"""A host override for httpx (like `curl --resolve`): send requests for a name to another address.

The demo and tests use it to reach invented publishers (`techledger.example`) on a local server while
every URL, Host header, redirect and robots.txt stays what the real site would have.
"""

from __future__ import annotations

import httpx


class ResolvingTransport(httpx.BaseTransport):
    def __init__(self, mapping: dict[str, str], inner: httpx.BaseTransport | None = None):
        self.mapping = {k.lower(): v for k, v in mapping.items()}
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host.lower()
        target = self.mapping.get(host)
        if target:
            addr, _, port = target.partition(":")
            request.headers["Host"] = request.url.netloc.decode("ascii")
            request.url = request.url.copy_with(scheme="http", host=addr, port=int(port) if port else 80)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
