"""Serving the pages' own CSS and scripts, and the npm packages they use, from this machine
(the pages never load anything from the internet)."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from gridwork.config import Settings

log = logging.getLogger("gridwork.web")
STATIC = Path(__file__).resolve().parent.parent / "static"
# URL path → the files of an npm package that the pages use.
VENDOR = {
    "htmx": "htmx.org/dist",
    "leaflet": "leaflet/dist",
    "echarts": "echarts/dist",
}


def assets_folder(settings: Settings) -> Path:
    """Where `make install` put the npm packages (relative paths: from the project root)."""
    folder = Path(settings.assets_dir)
    if folder.is_absolute() or folder.is_dir():
        return folder
    # An editable install run from elsewhere: the project root holds node_modules.
    return Path(__file__).resolve().parents[4] / folder


def mount_assets(app: FastAPI, settings: Settings) -> None:
    """/static (ours) and /vendor/<package> (npm's, as package-lock.json pins them)."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    root = assets_folder(settings)
    for name, inside in VENDOR.items():
        folder = root / inside
        if folder.is_dir():
            app.mount(f"/vendor/{name}", StaticFiles(directory=folder), name=f"vendor-{name}")
        else:
            log.warning("%s is missing (run `make install`): pages will lack %s", folder, name)
