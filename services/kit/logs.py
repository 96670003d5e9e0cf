"""JSON log lines of every process, with the correlation id and without e-mail addresses.

``json_formatter()`` is a stdlib ``logging.Formatter`` (structlog's ``ProcessorFormatter``) that
renders every record — ours, nameko's, kombu's, gunicorn's — as one JSON object per line:
``time``, ``level``, ``logger``, ``event`` (the message), fields passed with ``extra={...}``,
``correlation_id`` when the record was made while handling a request
(``services/kit/correlation.py``), and ``exception`` with the traceback. E-mail addresses are
replaced by ``<e-mail>`` in every value before a line is written, so that no address reaches a
log by accident. ``deploy/local/nameko.yaml`` names it as the formatter of every service; the
gateway installs it in ``gateway/metrics.py``.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import structlog

from services.kit.correlation import current_correlation_id

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        # No "@", no address: most values skip the pattern (every RPC call logs a line).
        return EMAIL.sub("<e-mail>", value) if "@" in value else value
    if isinstance(value, dict):
        return {k: _redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact(v) for v in value]
    return value


def redact_personal_data(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: e-mail addresses become ``<e-mail>`` in every value."""
    return {key: _redact(value) for key, value in event_dict.items()}


def add_correlation_id(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    if "correlation_id" not in event_dict:
        correlation = current_correlation_id()
        if correlation:
            event_dict["correlation_id"] = correlation
    return event_dict


def _rename_level(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    event_dict["level"] = event_dict.get("level", "").lower()
    return event_dict


def json_formatter() -> logging.Formatter:
    """The JSON formatter of every process (``()`` factory for ``logging.config.dictConfig``)."""
    pre_chain = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        add_correlation_id,
    ]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=pre_chain,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _rename_level,
            structlog.processors.format_exc_info,
            redact_personal_data,
            structlog.processors.JSONRenderer(default=str, ensure_ascii=False),
        ],
    )


_HANDLER_MARK = "_stadtdialog_json"


def install_json_logging(level: str | None = None) -> None:
    """Make the root logger write JSON lines to stderr (once per process)."""
    root = logging.getLogger()
    if any(getattr(h, _HANDLER_MARK, False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(json_formatter())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(level or os.environ.get("LOG_LEVEL", "INFO"))
