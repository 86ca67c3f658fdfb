"""No Women No Panel: gender balance of panels, the publishing gate, exemptions and the report."""

from __future__ import annotations

from flask import Flask

from wid_events import signals
from wid_events.balance import services


def on_panels_changing(event, *, publishing: bool = False, **_kwargs) -> None:
    """Receiver of :data:`wid_events.signals.panels_changing`: the publishing gate."""
    services.enforce_gate(event, publishing=publishing)


def on_publish_check(event, **_kwargs) -> list[str]:
    """Receiver of :data:`wid_events.signals.publish_check`: incomplete panels warn."""
    return services.publish_warnings(event)


def init_app(app: Flask) -> None:
    """Connect the balance receivers. Called once by ``create_app``; importing does nothing."""
    signals.panels_changing.connect(on_panels_changing, weak=False)
    signals.publish_check.connect(on_publish_check, weak=False)
