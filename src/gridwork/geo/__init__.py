"""Geometry: the point → grid index, projections and GeoJSON handling (numpy/shapely)."""
