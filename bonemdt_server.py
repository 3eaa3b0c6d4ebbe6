"""The server entrypoint: ``streamlit run bonemdt_server.py`` serves ``streamlit_app.py``.

Streamlit 1.67 serves apps with Starlette, and ``st.App`` takes ASGI middleware that runs before
Streamlit's own routes. BoneMDT uses it to send frame protection (issue 12, L12) on every HTTP
response: the pages, the static files, health and media, so no other site can frame the board
(clickjacking). ``streamlit run`` finds ``app`` below and runs it; the script it serves, its
``pages/`` folder and ``.streamlit/config.toml`` stay the same.
"""

from __future__ import annotations

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No frame, from any site (CSP for current browsers, X-Frame-Options for older ones).
FRAME_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
}


class FrameProtection:
    """Pure ASGI middleware: adds FRAME_HEADERS to the start of every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in FRAME_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


app = st.App("streamlit_app.py", middleware=[Middleware(FrameProtection)])
