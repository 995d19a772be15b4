"""uvicorn's httptools protocol with a bound on the request line and headers.

httptools (llhttp) has no limit of its own: it buffers a header for as long as it keeps coming, so a
client could make the server hold a 60 MB header. uvicorn's h11 protocol has a bound
(`h11_max_incomplete_event_size`, set as well) but is several times slower. The answer is 431 with the
one error shape, then the connection is closed. Two checks: bytes received while the headers are still
incomplete (bounds memory while a huge header streams in: at most the limit plus one read), and the
exact size of the request line and headers once they are complete.
"""

from __future__ import annotations

import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from marketplace.errors import error_body


class _Refused(Exception):
    pass


class HeaderLimitProtocol(HttpToolsProtocol):
    max_header_bytes = 32 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._incomplete_bytes = 0  # received since the request began, headers not complete yet
        self._header_bytes = 0  # request line plus headers as parsed
        self._in_headers = True
        self._completed_in_chunk = False
        self._refused = False

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self._completed_in_chunk = False
        super().data_received(data)
        # A chunk that completed some headers or a whole message may hold a body, the end of one or the start
        # of a pipelined request: only chunks that were all header are counted (the exact check in
        # on_headers_complete covers the rest). A body's last read counted here was a false 431 for uploads.
        if self._in_headers and not self._completed_in_chunk and not self._refused:
            self._incomplete_bytes += len(data)
            if self._incomplete_bytes > self.max_header_bytes:
                self._refuse()

    def on_message_begin(self) -> None:
        self._in_headers = True
        self._header_bytes = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._header_bytes += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4  # ": " and CRLF
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._header_bytes > self.max_header_bytes:
            self._refuse()
            raise _Refused  # stops the parser; uvicorn's 400 for a parser error is suppressed below
        self._in_headers = False
        self._completed_in_chunk = True
        self._incomplete_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_headers = True
        self._completed_in_chunk = True
        self._incomplete_bytes = 0

    def send_400_response(self, msg: str) -> None:
        if not self._refused:
            super().send_400_response(msg)

    def _refuse(self) -> None:
        self._refused = True
        body = json.dumps(
            error_body("header_too_large", f"the request line and headers exceed {self.max_header_bytes} bytes")
        ).encode()
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: application/json\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n"
            b"connection: close\r\n\r\n" + body
        )
        self.transport.close()


def with_header_limit(max_bytes: int) -> type[HeaderLimitProtocol]:
    return type("HeaderLimitProtocol", (HeaderLimitProtocol,), {"max_header_bytes": max_bytes})
