"""Every service config.toml accepts has a client behind the engine's interface."""

from __future__ import annotations

from toaster_tui.config.validate import SYNC_SERVICES
from toaster_tui.core.models import SyncSpec
from toaster_tui.sync.greader import GReaderClient
from toaster_tui.sync.service import SERVICES, open_service


def test_every_accepted_service_opens_a_client() -> None:
    assert set(SYNC_SERVICES) == set(SERVICES)
    for name in SYNC_SERVICES:
        spec = SyncSpec(url="http://127.0.0.1:9/", username="ada", service=name)
        with open_service(spec, "secret", timeout=1.0) as client:
            assert client is not None
    greader = SyncSpec(url="http://127.0.0.1:9/", username="ada", service="greader")
    with open_service(greader, "secret", timeout=1.0) as client:
        assert isinstance(client, GReaderClient)
