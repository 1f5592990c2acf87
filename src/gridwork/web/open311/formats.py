"""Open311 bodies: JSON as the spec's Spark convention, XML with singular item elements."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from fastapi.responses import Response

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
}


def w3c(value: datetime, zone: ZoneInfo) -> str:
    """A W3C date-time with its offset, in the configured zone."""
    return value.astimezone(zone).isoformat(timespec="seconds")


def _plain(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime):
        return w3c(value, zone)
    if isinstance(value, dict):
        return {k: _plain(v, zone) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, zone) for v in value]
    return value


def _xml(parent: ET.Element, name: str, value: Any, zone: ZoneInfo) -> None:
    node = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _xml(node, key, item, zone)
    elif isinstance(value, list):
        for item in value:
            _xml(node, ITEM.get(name, name.rstrip("s")), item, zone)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif isinstance(value, datetime):
        node.text = w3c(value, zone)
    elif value is not None:
        node.text = str(value)


def render(root: str, body: Any, fmt: str, zone: ZoneInfo, status: int = 200) -> Response:
    """`body` (a list for collections, a dict for single objects) in the chosen format."""
    if fmt == "json":
        text = json.dumps(_plain(body, zone), ensure_ascii=False)
        return Response(text, status, media_type=FORMATS["json"])
    holder = ET.Element("holder")
    _xml(holder, root, body, zone)
    element = holder[0]
    text = '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(element, encoding="unicode")
    return Response(text, status, media_type=FORMATS["xml"])


def error(status: int, description: str, fmt: str, zone: ZoneInfo) -> Response:
    """Errors as the spec has them: a list of {code, description}."""
    return render("errors", [{"code": status, "description": description}], fmt, zone, status)
