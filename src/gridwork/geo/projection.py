"""A local metric projection for lon/lat: good to a fraction of a percent within a city."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON_EQUATOR = 111_320.0


class LocalMetric:
    """Equirectangular projection centred on (lon0, lat0), in metres."""

    def __init__(self, lon0: float, lat0: float) -> None:
        self.lon0, self.lat0 = lon0, lat0
        self.kx = M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
        self.ky = M_PER_DEG_LAT

    def forward(self, coords: NDArray[np.float64]) -> NDArray[np.float64]:
        """(lon, lat) rows → (x, y) metres."""
        return np.column_stack(
            ((coords[:, 0] - self.lon0) * self.kx, (coords[:, 1] - self.lat0) * self.ky)
        )

    def inverse(self, coords: NDArray[np.float64]) -> NDArray[np.float64]:
        """(x, y) metres → (lon, lat) rows."""
        return np.column_stack(
            (coords[:, 0] / self.kx + self.lon0, coords[:, 1] / self.ky + self.lat0)
        )
