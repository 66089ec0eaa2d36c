"""Errors of `docfinder fetch`: what went wrong, with which URL, and what to do next."""

from __future__ import annotations

from dataclasses import dataclass

from docfinder.errors import DocfinderError


@dataclass
class FetchError(DocfinderError):
    """A download that failed for good: bad status, bad size, bad checksum, wrong kind."""

    message: str
    url: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.url}: {self.message}" if self.url else self.message
        return f"{text} ({self.hint})" if self.hint else text


@dataclass
class TransientFetchError(FetchError):
    """A failure worth retrying: a dropped connection, a timeout, a 5xx or 429 answer."""

    retry_after_seconds: float | None = None
