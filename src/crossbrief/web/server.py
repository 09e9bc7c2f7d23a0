"""How `crossbrief serve` runs the app: uvicorn, with a deadline for each request to arrive.

uvicorn has no timeout on receiving a request. Its keep-alive timer starts only after a response
and is cancelled by any byte received, and nothing is armed when a connection opens. So a client
that opens connections and sends nothing, or sends its request head a byte at a time (slowloris),
keeps each of them open for ever: file descriptors, and a place in `limit_concurrency`, beyond
which every other client gets 503. An ASGI middleware cannot help: the app is called only once
the head is complete.

`DeadlineH11Protocol` is uvicorn's h11 protocol with one timer more: from the moment a connection
opens, and again from the end of each response, the client has `request_deadline` seconds to
finish sending its next request's head (and whatever body the previous one still owed). If it
has not, the connection is closed. The deadline is absolute: bytes arriving slowly do not move
it. It is not armed while the app handles a request, so a slow page is never cut off.

The other way round, a client that asks and never reads the answer: once the socket's buffers
are full, uvicorn keeps what is left of the answer in memory, and a closed connection stays open
until that is sent (`transport.close()` waits for it), so the keep-alive timer and the deadline
above would close nothing. So a connection whose writes have been stalled `request_deadline`
seconds (the transport asked to pause writing and has not resumed) is aborted, and so is one
whose deadline passes with an answer still unsent.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from crossbrief.web.app import WebSettings

log = logging.getLogger(__name__)

KEEP_ALIVE_SECONDS = 5  # an idle kept-alive connection is closed after this (uvicorn's own timer)


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol that closes a connection whose request does not arrive in time.
    The deadline comes from the class attribute: `deadline_protocol(seconds)` makes the class."""

    request_deadline: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline_timer: asyncio.TimerHandle | None = None
        self.write_stall_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.arm_deadline()

    def data_received(self, data: bytes) -> None:
        before = self.cycle
        super().data_received(data)
        if self.cycle is not before:  # a request's head was complete: the app has it now
            self.disarm_deadline()

    def on_response_complete(self) -> None:
        finished = self.cycle
        super().on_response_complete()
        # A pipelined request already buffered starts at once (a new cycle); otherwise the next
        # request has the deadline from now. Armed on a closing connection too: it may still be
        # waiting to send the answer to a client that does not read.
        if self.cycle is finished:
            self.arm_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm_deadline()
        self.end_write_stall()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        super().pause_writing()
        if self.write_stall_timer is None:
            self.write_stall_timer = self.loop.call_later(self.request_deadline, self.write_stalled)

    def resume_writing(self) -> None:
        self.end_write_stall()
        super().resume_writing()

    def end_write_stall(self) -> None:
        if self.write_stall_timer is not None:
            self.write_stall_timer.cancel()
            self.write_stall_timer = None

    def write_stalled(self) -> None:
        self.write_stall_timer = None
        log.info("dropping a connection from %s: its answer could not be written for %g s (not read)", self.peer(),
                 self.request_deadline)
        self.transport.abort()  # close() would wait to send the rest: for ever

    def arm_deadline(self) -> None:
        self.disarm_deadline()
        self.deadline_timer = self.loop.call_later(self.request_deadline, self.deadline_passed)

    def disarm_deadline(self) -> None:
        if self.deadline_timer is not None:
            self.deadline_timer.cancel()
            self.deadline_timer = None

    def deadline_passed(self) -> None:
        self.deadline_timer = None
        if self.transport.get_write_buffer_size():  # an answer the client has not read yet
            log.info("dropping a connection from %s: its answer is still unread after %g s", self.peer(),
                     self.request_deadline)
            self.transport.abort()
            return
        if self.transport.is_closing():
            return
        if self.conn.their_state is not h11.IDLE or self.conn.trailing_data[0]:
            log.info("closing a connection from %s: its request did not arrive within %g s", self.peer(),
                     self.request_deadline)
        self.transport.close()

    def peer(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "?"


def deadline_protocol(seconds: float) -> type[DeadlineH11Protocol]:
    """The protocol class with a deadline of `seconds` (uvicorn takes a class, not an instance)."""
    if not seconds > 0:
        raise ValueError(f"a request deadline must be over 0 seconds, not {seconds}")
    return type("DeadlineH11Protocol", (DeadlineH11Protocol,), {"request_deadline": float(seconds)})


def server_config(app: FastAPI, max_connections: int | None = 1000, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration `crossbrief serve` (and the tests) run the app with; the deadline
    is the app's `WebSettings.request_timeout`."""
    settings: WebSettings = app.state.settings
    # No WebSocket: the app has none, and an upgraded connection would keep the request deadline.
    return uvicorn.Config(app, http=deadline_protocol(settings.request_timeout), ws="none", log_level="warning",
                          limit_concurrency=max_connections, timeout_keep_alive=KEEP_ALIVE_SECONDS,
                          timeout_graceful_shutdown=5, access_log=False, **options)


__all__ = ["KEEP_ALIVE_SECONDS", "DeadlineH11Protocol", "deadline_protocol", "server_config"]
