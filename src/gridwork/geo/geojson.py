"""Reading and checking GeoJSON features: WGS-84 only, valid polygons, named errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from gridwork.domain.errors import ImportFailed

WGS84_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
    "CRS84",
}
LEVELS = {"province", "city", "district", "street", "community", "grid", "building"}


@dataclass(frozen=True)
class Feature:
    """One checked feature of an import file."""

    number: int  # 1-based position in the file, for messages
    level: str
    geometry: BaseGeometry
    properties: dict[str, Any]

    @property
    def label(self) -> str:
        """How messages name this feature."""
        ident = self.properties.get("code") or self.properties.get("id") or ""
        return f"feature {self.number} ({self.level} {ident})".replace(" )", ")")


def _crs_ok(collection: dict[str, Any]) -> bool:
    crs = collection.get("crs")
    if crs is None:
        return True
    name = (crs.get("properties") or {}).get("name", "") if isinstance(crs, dict) else ""
    return str(name) in WGS84_NAMES


def read_features(text: str, source: str) -> list[Feature]:
    """Parse a FeatureCollection, refusing anything that is not valid WGS-84 geometry."""
    try:
        collection = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(source, exc.lineno, f"not valid JSON: {exc.msg}") from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ImportFailed(source, None, "expected a GeoJSON FeatureCollection")
    if not _crs_ok(collection):
        raise ImportFailed(
            source, None, "wrong CRS: coordinates must be WGS-84 longitude/latitude (EPSG:4326)"
        )
    features = collection.get("features")
    if not isinstance(features, list):
        raise ImportFailed(source, None, "the FeatureCollection has no features list")
    out = []
    for number, raw in enumerate(features, start=1):
        out.append(_feature(raw, number, source))
    return out


def _feature(raw: Any, number: int, source: str) -> Feature:
    where = f"feature {number}"
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        raise ImportFailed(source, None, f"{where}: not a GeoJSON Feature")
    props = raw.get("properties") or {}
    if not isinstance(props, dict):
        raise ImportFailed(source, None, f"{where}: properties must be an object")
    level = props.get("level")
    if level not in LEVELS:
        raise ImportFailed(
            source, None, f"{where}: property 'level' must be one of {', '.join(sorted(LEVELS))}"
        )
    try:
        geometry = shape(raw.get("geometry"))
    except Exception as exc:  # shapely raises several types for bad geometry
        raise ImportFailed(source, None, f"{where}: unreadable geometry ({exc})") from None
    feature = Feature(number, str(level), geometry, props)
    _check_geometry(feature, source)
    return feature


def _check_geometry(feature: Feature, source: str) -> None:
    geom = feature.geometry
    if geom.is_empty:
        raise ImportFailed(source, None, f"{feature.label}: empty geometry")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ImportFailed(
            source,
            None,
            f"{feature.label}: coordinates are not WGS-84 degrees (projected data? wrong CRS)",
        )
    if feature.level == "building":
        if geom.geom_type not in ("Point", "Polygon", "MultiPolygon"):
            raise ImportFailed(source, None, f"{feature.label}: a building is a Point or Polygon")
    elif geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ImportFailed(source, None, f"{feature.label}: a boundary must be a Polygon")
    if geom.geom_type != "Point" and not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise ImportFailed(source, None, f"{feature.label}: invalid polygon: {reason}")


def to_geojson(geometry: BaseGeometry) -> str:
    """Compact GeoJSON text of a geometry."""
    return json.dumps(mapping(geometry), separators=(",", ":"))


def from_geojson(text: str) -> BaseGeometry:
    """A geometry from stored GeoJSON text."""
    return shape(json.loads(text))
