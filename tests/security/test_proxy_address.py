"""Behind a trusted reverse proxy the client is the address the proxy names (X-Real-IP); a malformed
header or an untrusted sender never changes whose session or sign-in throttle a request counts to."""

from __future__ import annotations

import pytest

from pages.components import guard


def test_a_trusted_proxy_names_the_client() -> None:
    assert guard.client_address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert guard.client_address("127.0.0.1", " 2001:db8::1 ") == "2001:db8::1"


@pytest.mark.parametrize("header", [None, "", "unknown", "203.0.113.7, 10.0.0.1", "203.0.113.7\x00", 7])
def test_a_malformed_or_missing_header_keeps_the_proxy_address(header: object) -> None:
    assert guard.client_address("127.0.0.1", header) == "127.0.0.1"


def test_trusted_proxies_come_from_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(guard.TRUSTED_PROXIES_ENV, raising=False)
    assert guard.trusted_proxies() == frozenset()
    monkeypatch.setenv(guard.TRUSTED_PROXIES_ENV, " 127.0.0.1, 10.0.0.2 ,")
    assert guard.trusted_proxies() == {"127.0.0.1", "10.0.0.2"}


def test_two_browsers_behind_one_proxy_are_two_clients() -> None:
    agent = "Mozilla/5.0"
    one = guard.fingerprint(guard.client_address("127.0.0.1", "203.0.113.7"), agent)
    two = guard.fingerprint(guard.client_address("127.0.0.1", "203.0.113.8"), agent)
    assert one != two
