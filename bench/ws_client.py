"""A minimal Streamlit WebSocket client for the load benchmark — loopback only.

It speaks the wire protocol of the Streamlit 1.67 Starlette server (read from the installed
``streamlit/web/server/starlette/starlette_websocket.py`` and ``runtime/app_session.py``):

* Endpoint ``ws://127.0.0.1:<port>/_stcore/stream``. The ``Sec-WebSocket-Protocol`` header is
  repurposed as a positional list: ``streamlit`` (the subprotocol the server selects), then an
  optional XSRF token, then an optional session id to reconnect to. The XSRF token is only
  checked before reading the ``st.login`` auth cookie, which this client never sends, so it
  offers just ``streamlit``. No ``Origin`` header: the server accepts handshakes without one.
* Extra handshake headers (here the trusted proxy header, e.g. ``X-Bench-User: chair``) reach
  the app as ``st.context.headers``.
* Client -> server: binary protobuf ``BackMsg``; a page run is ``BackMsg.rerun_script`` carrying
  a ``ClientState`` (``query_string`` without ``?``, ``page_name`` = the page's ``url_path``,
  ``widget_states``). Widgets left out keep their previous value on the server.
* Server -> client: binary protobuf ``ForwardMsg``: ``new_session`` at each run start, ``delta``
  (``new_element`` / ``add_block``), ``page_info_changed``, ``navigation``, ``page_not_found``,
  ``session_status_changed``, and ``script_finished``. A run that calls ``st.rerun()`` ends with
  ``FINISHED_EARLY_FOR_RERUN`` and is followed by the next run; a request is complete at
  ``FINISHED_SUCCESSFULLY`` (or ``FINISHED_WITH_COMPILE_ERROR``). An unknown page hash silently
  runs the default page, so the client compares ``navigation.page_script_hash`` with its own.
* Uncaught script exceptions arrive as an ``exception`` element inside a delta (its text is
  blanked when ``client.showErrorDetails = "none"``, the element itself is still sent).

The client refuses any address but 127.0.0.1, and every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.util import calc_hash
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

LOOPBACK = "127.0.0.1"
STREAM_PATH = "/_stcore/stream"
SUBPROTOCOL = "streamlit"

_DONE = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "ok",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile_error",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "ok",
}
# Element kinds whose proto has ``id`` (and usually ``label`` / ``form_id``).
_WIDGETS = (
    "button",
    "checkbox",
    "date_input",
    "multiselect",
    "number_input",
    "radio",
    "selectbox",
    "text_area",
    "text_input",
    "button_group",
    "slider",
    "toggle",
    "time_input",
    "date_time_input",
    "download_button",
    "data_editor",
)


@dataclass(frozen=True)
class Widget:
    kind: str
    id: str
    label: str
    form_id: str
    is_form_submitter: bool = False
    options: tuple[str, ...] = ()  # the formatted options of a picker (selectbox, radio, multiselect)

    @property
    def key(self) -> str:
        """The user key the widget was made with (its id is ``$$ID-<hash>-<key>``), or ""."""
        return self.id.split("-", 2)[2] if self.id.count("-") >= 2 else ""


@dataclass(frozen=True)
class Tabs:
    id: str  # widget id of a stateful ``st.tabs(key=..., on_change=...)`` (value = a label), or ""
    labels: tuple[str, ...]
    path: tuple[int, ...] = ()  # delta path of the container
    fragment_id: str = ""  # the st.fragment the tabs are drawn in ("" outside any)


@dataclass
class RunResult:
    """What one request (send ``rerun_script`` .. final ``script_finished``) produced."""

    status: str  # ok | exception | compile_error | page_not_found | wrong_page | timeout | closed
    seconds: float
    runs: int = 0  # script runs seen (> 1 when the script called st.rerun())
    elements: int = 0
    exceptions: list[str] = field(default_factory=list)  # exception types only, never text
    alerts: list[tuple[str, str]] = field(default_factory=list)  # (format, body) of the last run
    widgets: list[Widget] = field(default_factory=list)  # of the last run
    tabs: list[Tabs] = field(default_factory=list)  # of the last run
    bytes_in: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


UPSTREAM_HEADER = "X-BoneMDT-Upstream"  # deploy/local.py's proxy names the replica that answered


def fetch_cookies(port: int, headers: Mapping[str, str], timeout: float) -> tuple[dict[str, str], str]:
    """GET http://127.0.0.1:<port>/: the name=value pairs of its Set-Cookie headers, and the
    replica the proxy chose (its ``X-BoneMDT-Upstream`` header, "" without one)."""
    req = urllib.request.Request(f"http://{LOOPBACK}:{int(port)}/", headers=dict(headers))
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        resp.read()
        cookies = resp.headers.get_all("Set-Cookie") or []
        upstream = str(resp.headers.get(UPSTREAM_HEADER) or "")
    jar: dict[str, str] = {}
    for raw in cookies:
        name, _, value = raw.split(";", 1)[0].partition("=")
        if name.strip():
            jar[name.strip()] = value.strip()
    return jar, upstream


def widget_state(widget_id: str, **value: Any) -> WidgetState:
    """``widget_state(id, string_value="x")``, ``trigger_value=True``, ``string_array_value=[...]``."""
    ws = WidgetState(id=widget_id)
    for name, v in value.items():
        if name.endswith("_array_value"):
            getattr(ws, name).data.extend(v)
        else:
            setattr(ws, name, v)
    return ws


class StreamlitSession:
    """One browser tab's session: connect, then ``await rerun(page, query, widget_states)``."""

    def __init__(self, port: int, headers: Mapping[str, str] | None = None, *, connect_timeout: float = 20.0):
        if not (0 < int(port) < 65536):
            raise ValueError("bad port")
        self.url = f"ws://{LOOPBACK}:{int(port)}{STREAM_PATH}"
        self.headers = dict(headers or {})
        self.connect_timeout = connect_timeout
        self._ws: ClientConnection | None = None
        self.app_pages: dict[str, str] = {}  # url_pathname -> page_script_hash
        self.upstream = ""  # the replica behind a proxy, from prime_cookies()

    async def prime_cookies(self) -> dict[str, str]:
        """Load ``/`` over HTTP first, as a browser does, and send back the cookies it set (a
        proxy's affinity cookie) on the WebSocket handshake. Returns the cookies; ``upstream``
        then holds the replica the proxy named ("host:port"), if it names one."""
        port = int(self.url.rsplit(":", 1)[1].split("/", 1)[0])
        jar, self.upstream = await asyncio.to_thread(fetch_cookies, port, self.headers, self.connect_timeout)
        if jar:
            self.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        return jar

    async def connect(self) -> None:
        assert self.url.startswith(f"ws://{LOOPBACK}:"), "loopback only"
        self._ws = await asyncio.wait_for(
            connect(
                self.url,
                subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
                additional_headers=self.headers,
                max_size=256 * 1024 * 1024,
                open_timeout=self.connect_timeout,
                ping_interval=None,  # the server pings; the library answers
                compression=None,
            ),
            timeout=self.connect_timeout + 1,
        )

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(TimeoutError, ConnectionClosed, OSError):
                await asyncio.wait_for(self._ws.close(), timeout=5)
            self._ws = None

    async def rerun(
        self,
        page_name: str = "",
        query_string: str = "",
        widget_states: Iterable[WidgetState] = (),
        *,
        timeout: float = 60.0,
        fragment_id: str = "",
    ) -> RunResult:
        """Run ``page_name`` (url_path; "" = the default page) and wait for its final run.

        The page goes by ``page_script_hash`` as the browser sends it (it learns the hashes from
        the ``navigation`` message; ``st.Page`` hashes its url_path with ``calc_hash``): a name
        alone misses the default page, whose url_pathname is "".
        ``fragment_id``: rerun only that fragment, as the browser does for a widget inside one (its
        run ends with ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY``).
        """
        assert self._ws is not None, "connect() first"
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = query_string.lstrip("?")
        cs.page_name = page_name
        if page_name:
            cs.page_script_hash = calc_hash(page_name)
        cs.widget_states.widgets.extend(widget_states)
        cs.fragment_id = fragment_id
        start = time.perf_counter()
        deadline = start + timeout
        result = RunResult(status="timeout", seconds=0.0)
        widgets: list[Widget] = []
        tabs: list[Tabs] = []
        alerts: list[tuple[str, str]] = []
        ran = ""  # the page the navigation resolved to
        try:
            await self._ws.send(msg.SerializeToString())
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    break
                raw = await asyncio.wait_for(self._ws.recv(), timeout=left)
                if isinstance(raw, str):
                    continue
                result.bytes_in += len(raw)
                fwd = ForwardMsg()
                fwd.ParseFromString(raw)
                kind = fwd.WhichOneof("type")
                if kind == "delta":
                    self._delta(fwd, result, widgets, tabs, alerts)
                elif kind == "new_session":
                    result.runs += 1
                    widgets, tabs, alerts = [], [], []
                    for p in fwd.new_session.app_pages:
                        self.app_pages[p.url_pathname] = p.page_script_hash
                elif kind == "navigation":
                    ran = fwd.navigation.page_script_hash
                    for p in fwd.navigation.app_pages:
                        self.app_pages[p.url_pathname] = p.page_script_hash
                elif kind == "page_not_found":
                    result.status = "page_not_found"
                elif kind == "script_finished":
                    done = _DONE.get(fwd.script_finished)
                    if done is None:  # FINISHED_EARLY_FOR_RERUN: the next run follows
                        continue
                    if result.status == "page_not_found":
                        pass
                    elif result.exceptions:
                        result.status = "exception"
                    elif page_name and ran and ran != cs.page_script_hash:
                        result.status = "wrong_page"  # unknown or refused page: the default ran
                    else:
                        result.status = done
                    break
        except TimeoutError:
            result.status = "timeout"
        except (ConnectionClosed, OSError):
            result.status = "closed"
        result.seconds = time.perf_counter() - start
        result.widgets, result.tabs, result.alerts = widgets, tabs, alerts
        return result

    @staticmethod
    def _delta(
        fwd: ForwardMsg, result: RunResult, widgets: list[Widget], tabs: list[Tabs], alerts: list[tuple[str, str]]
    ) -> None:
        delta = fwd.delta
        which = delta.WhichOneof("type")
        if which == "add_block":
            block = delta.add_block
            path = tuple(fwd.metadata.delta_path)
            btype = block.WhichOneof("type")
            if btype == "tab_container":
                tabs.append(Tabs(block.tab_container.id, (), path, delta.fragment_id))
            elif btype == "tab":
                for i, t in enumerate(tabs):
                    if t.path == path[:-1]:
                        tabs[i] = Tabs(t.id, (*t.labels, block.tab.label), t.path, t.fragment_id)
            return
        if which != "new_element":
            return
        el = delta.new_element
        result.elements += 1
        etype = el.WhichOneof("type")
        if etype == "exception":
            result.exceptions.append(el.exception.type or "Exception")
        elif etype == "alert":
            fmt = {1: "error", 2: "warning", 3: "info", 4: "success"}.get(el.alert.format, "?")
            alerts.append((fmt, el.alert.body))
        elif etype in _WIDGETS:
            w = getattr(el, etype)
            widgets.append(
                Widget(
                    etype,
                    getattr(w, "id", ""),
                    getattr(w, "label", ""),
                    getattr(w, "form_id", ""),
                    bool(getattr(w, "is_form_submitter", False)),
                    tuple(o for o in getattr(w, "options", ()) if isinstance(o, str)),
                )
            )
