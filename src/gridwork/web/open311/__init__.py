"""Open311 GeoReport v2 at /open311/v2/ (JSON and XML)."""
