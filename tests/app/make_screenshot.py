"""Writes docs/screenshot.svg: the demo feeds in the real app (a Pilot run).

    python tests/app/make_screenshot.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from toaster_tui.app.app import ToasterApp
from toaster_tui.demo.session import DemoRefresher, seed_demo

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def shoot(target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config_path, db_path = seed_demo(Path(tmp))
        app = ToasterApp(config_path, db_path, now=lambda: NOW, demo=True,
                         refresher=DemoRefresher)
        async with app.run_test(size=(150, 44)) as pilot:
            for _ in range(4):
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.press("j", "j", "j", "j", "j", "enter")
            for _ in range(4):
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.pause(0.3)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(app.export_screenshot(title="toaster demo"), encoding="utf-8")


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.svg"
    asyncio.run(shoot(out))
    print(f"wrote {out}")
