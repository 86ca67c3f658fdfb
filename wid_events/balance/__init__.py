"""No Women No Panel: gender balance of panels, the publishing gate, exemptions and the report."""

from __future__ import annotations

from flask import Flask

from wid_events import signals
from wid_events.balance import services


def on_panels_changing(event, *, publishing: bool = False, **_kwargs) -> None:
    """Receiver of :data:`wid_events.signals.panels_changing`: the publishing gate."""
    services.enforce_gate(event, publishing=publishing)


def on_panel_verdicts(event, **_kwargs) -> list[services.PanelResult]:
    """Receiver of :data:`wid_events.signals.panel_verdicts`: every panel's verdict."""
    return services.panel_results(event)


def init_app(app: Flask) -> None:
    """Connect the balance receivers. Called once by ``create_app``; importing does nothing."""
    signals.panels_changing.connect(on_panels_changing, weak=False)
    signals.panel_verdicts.connect(on_panel_verdicts, weak=False)
