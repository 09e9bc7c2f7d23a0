"""DNS rebinding: a fetch connects to the address that was checked (issue 13, item 6/4).

The guard sits where the connection is opened (httpx's connection pool), not only in the request
hook, so a name that resolves to a public address for the hook's check and to a private one when
the socket connects is still refused: here, with no hook at all, the connection itself refuses
a name that resolves to loopback, and a public check never lets the socket go elsewhere."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from crossbrief.errors import InputError
from crossbrief.ingest.fetch import checked_address, checked_transport


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = b"<html><body><p>A page served on loopback.</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback_port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def test_the_connection_itself_refuses_a_name_that_resolves_to_loopback(loopback_port):
    transport = checked_transport()
    assert transport is not None  # no proxy in the test environment: connections are pinned
    with httpx.Client(transport=transport) as client:  # no request hook: only the connection checks
        with pytest.raises(InputError, match=r"^refused: localhost \(127\.0\.0\.1\) is a loopback address"):
            client.get(f"http://localhost:{loopback_port}/")
        with pytest.raises(InputError, match=r"^refused: 127\.0\.0\.1 is a loopback address"):
            client.get(f"http://127.0.0.1:{loopback_port}/")
    # The same server is reachable when nothing is guarded: the refusal was the guard's.
    assert httpx.get(f"http://127.0.0.1:{loopback_port}/").status_code == 200


def test_the_checked_address_is_the_one_connected_to():
    # An IP literal is its own address; a name's first resolved address is returned only after
    # every address it resolves to was checked.
    assert checked_address("93.184.215.14", 80) == "93.184.215.14"
    assert checked_address("[2606:4700::1]", 443) == "2606:4700::1"
    with pytest.raises(InputError, match="^refused: 10.0.0.7 is a private address"):
        checked_address("10.0.0.7", 80)
