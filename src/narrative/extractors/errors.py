"""One exception tree for fetching; mapped once, at the httpx boundary, into a short reason."""

from __future__ import annotations


class FetchError(Exception):
    """A page or feed could not be fetched. `reason` is short and stable (stored and counted)."""

    retryable = False

    def __init__(self, reason: str, detail: str = "", status_code: int | None = None, retry_after: float | None = None):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.status_code = status_code
        self.retry_after = retry_after


class RetryableFetchError(FetchError):
    """429, 5xx, timeouts and dropped connections: worth another try after a backoff."""

    retryable = True


class RefusedURL(FetchError):
    """Not fetched on purpose: scheme, private address, robots.txt."""
