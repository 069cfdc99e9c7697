"""A TCP proxy on loopback that holds every chunk a client sends for a while before passing it on: a slow network
between the suite and a service (the mailbox's API), injected without touching the service."""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType


class LatencyProxy:
    """`with LatencyProxy("localhost", 8025, 1.5) as proxy:` then talk to `proxy.url`."""

    def __init__(self, host: str, port: int, latency_s: float) -> None:
        self._target = (host, port)
        self._latency_s = latency_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="latency-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, delay_s: float) -> None:
        try:
            while data := await source.read(65536):
                if delay_s:
                    await asyncio.sleep(delay_s)  # the injected latency itself
                sink.write(data)
                await sink.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            sink.close()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self._target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            self._pipe(client_reader, server_writer, self._latency_s), self._pipe(server_reader, client_writer, 0.0)
        )

    def __enter__(self) -> LatencyProxy:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop)
        self._server = started.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
