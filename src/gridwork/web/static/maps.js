// Maps on the pages: the report pin, a case's location, a unit's children by open cases.
// With no tile URL configured, the maps draw outlines and pins on a plain background.
(function () {
  "use strict";
  // The maps, for tests and for anyone scripting the page.
  window.gridworkMaps = {};

  // A label for Leaflet: a DOM node holding the text, so a name is never parsed as HTML
  // (Leaflet parses a string it is handed as HTML).
  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function baseMap(el, options) {
    var map = L.map(el, Object.assign({ zoomControl: true, attributionControl: !!el.dataset.tiles }, options || {}));
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    } else {
      el.classList.add("plain");
    }
    return map;
  }

  // Report form: tap to pin, or use the device's location; fills the lat/lng inputs.
  var pick = document.getElementById("pick-map");
  if (pick && window.L) {
    var lat = document.getElementById("lat");
    var lng = document.getElementById("lng");
    var status = document.getElementById("pin-status");
    var start = lat.value && lng.value ? [parseFloat(lat.value), parseFloat(lng.value)] : [parseFloat(pick.dataset.lat), parseFloat(pick.dataset.lng)];
    var map = baseMap(pick).setView(start, 16);
    window.gridworkMaps.pick = map;
    var outlines = L.geoJSON(null, { style: { color: "#1f6feb", weight: 1.5, fillOpacity: 0.04 },
      onEachFeature: function (f, layer) { layer.bindTooltip(label(f.properties.name), { sticky: true }); } }).addTo(map);
    var loaded = {};
    function loadOutlines(centre) {
      var key = centre.lat.toFixed(2) + "," + centre.lng.toFixed(2);
      if (loaded[key]) return;
      loaded[key] = true;
      fetch("/map/grids.json?lat=" + centre.lat + "&lng=" + centre.lng).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { outlines.addData(data); } });
    }
    var marker = null;
    function place(latlng, pan) {
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { keyboard: true, title: "pin" }).addTo(map); }
      if (pan) map.setView(latlng, 17);
      status.textContent = status.dataset.placed || "✓";
      lng.dispatchEvent(new Event("change", { bubbles: true }));  // similar reports nearby
    }
    status.dataset.placed = pick.dataset.placed || "✓";
    if (lat.value && lng.value) place(L.latLng(start[0], start[1]), false);
    map.on("click", function (e) { place(e.latlng, false); });
    map.on("moveend", function () { loadOutlines(map.getCenter()); });
    loadOutlines(map.getCenter());
    var locate = document.getElementById("use-location");
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = locate.dataset.unavailable || "—"; return; }
      navigator.geolocation.getCurrentPosition(function (p) {
        place(L.latLng(p.coords.latitude, p.coords.longitude), true);
      }, function () { status.textContent = locate.dataset.denied || "—"; }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }

  // Declaring over a drawn area: tap the corners; the polygon goes into a hidden input.
  var draw = document.getElementById("draw-map");
  if (draw && window.L) {
    var dm = baseMap(draw).setView([parseFloat(draw.dataset.lat), parseFloat(draw.dataset.lng)], 14);
    window.gridworkMaps.draw = dm;
    var field = document.getElementById("polygon");
    var drawStatus = document.getElementById("draw-status");
    var corners = [];
    var shapeLayer = null;
    function redraw() {
      if (shapeLayer) dm.removeLayer(shapeLayer);
      shapeLayer = corners.length > 2 ? L.polygon(corners, { color: "#b42318" }) : L.polyline(corners, { color: "#b42318" });
      shapeLayer.addTo(dm);
      if (corners.length > 2) {
        var ring = corners.map(function (c) { return [Number(c[1].toFixed(6)), Number(c[0].toFixed(6))]; });
        ring.push(ring[0]);
        field.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      } else {
        field.value = "";
      }
      drawStatus.textContent = corners.length ? corners.length + " " + drawStatus.dataset.corners : "";
    }
    if (field.value) {
      try { corners = JSON.parse(field.value).coordinates[0].slice(0, -1).map(function (p) { return [p[1], p[0]]; }); redraw(); } catch (e) { field.value = ""; }
    }
    dm.on("click", function (e) { corners.push([e.latlng.lat, e.latlng.lng]); redraw(); });
    document.getElementById("clear-drawing").addEventListener("click", function () { corners = []; redraw(); });
  }

  // A case's location.
  var caseMap = document.getElementById("case-map");
  if (caseMap && window.L) {
    var here = [parseFloat(caseMap.dataset.lat), parseFloat(caseMap.dataset.lng)];
    var m = baseMap(caseMap, { scrollWheelZoom: false }).setView(here, 17);
    L.circleMarker(here, { radius: 9, color: "#b42318", fillColor: "#f04438", fillOpacity: 0.9 }).addTo(m);
  }

  // A worker's visits: numbered stops joined in walking order.
  var visitMap = document.getElementById("visit-map");
  if (visitMap && window.L) {
    var lats = JSON.parse(visitMap.dataset.stops), lngs = JSON.parse(visitMap.dataset.lngs);
    var stops = [];
    lats.forEach(function (la, i) { if (la !== null && lngs[i] !== null) stops.push([la, lngs[i], i + 1]); });
    if (stops.length) {
      var vm = baseMap(visitMap, { scrollWheelZoom: false });
      window.gridworkMaps.visits = vm;
      var path = L.polyline(stops.map(function (s) { return [s[0], s[1]]; }), { color: "#0b5cad", weight: 2, dashArray: "4 4" }).addTo(vm);
      stops.forEach(function (s) {
        L.marker([s[0], s[1]], { icon: L.divIcon({ className: "stop-icon", html: label(String(s[2])), iconSize: [24, 24] }) })
          .on("click", function () { var el = document.querySelectorAll(".visit")[s[2] - 1]; if (el) el.scrollIntoView({ behavior: "smooth" }); })
          .addTo(vm);
      });
      vm.fitBounds(path.getBounds(), { padding: [16, 16], maxZoom: 18 });
    } else {
      visitMap.remove();
    }
  }

  // An emergency's units, coloured by the share of households checked.
  var emergencyMap = document.getElementById("emergency-map");
  if (emergencyMap && window.L) {
    var em = baseMap(emergencyMap, { scrollWheelZoom: false });
    window.gridworkMaps.emergency = em;
    function share(p) { return p.total ? p.done / p.total : 1; }
    function shade(x) { return x >= 1 ? "#12b76a" : x >= 0.75 ? "#fdd835" : x >= 0.25 ? "#f79009" : "#b42318"; }
    fetch(emergencyMap.dataset.src).then(function (r) { return r.ok ? r.json() : { features: [] }; }).then(function (data) {
      var children = data.features.filter(function (f) { return !f.properties.is_unit; });
      var shown = children.length ? children : data.features;
      if (!shown.length) { emergencyMap.classList.add("empty-map"); emergencyMap.textContent = "—"; return; }
      var layer = L.geoJSON(shown, {
        style: function (f) { return { color: "#344054", weight: 1, fillColor: shade(share(f.properties)), fillOpacity: 0.6 }; },
        onEachFeature: function (f, l) {
          l.bindTooltip(label(f.properties.name + ": " + f.properties.done + "/" + f.properties.total + " " + emergencyMap.dataset.done), { sticky: true });
          if (!f.properties.is_unit) { l.on("click", function () { window.location.search = "?area=" + f.properties.code; }); }
        }
      }).addTo(em);
      em.fitBounds(layer.getBounds(), { padding: [8, 8] });
      emergencyMap.dataset.ready = String(shown.length);
    });
  }

  // A unit's children, coloured by their open cases.
  var unitMap = document.getElementById("unit-map");
  if (unitMap && window.L) {
    var um = baseMap(unitMap, { scrollWheelZoom: false });
    window.gridworkMaps.unit = um;
    function colour(n) { return n >= 6 ? "#b42318" : n >= 3 ? "#f79009" : n >= 1 ? "#fdd835" : "#12b76a"; }
    fetch(unitMap.dataset.src).then(function (r) { return r.ok ? r.json() : { features: [] }; }).then(function (data) {
      var children = data.features.filter(function (f) { return !f.properties.is_unit; });
      var unit = data.features.filter(function (f) { return f.properties.is_unit; });
      var shown = children.length ? children : unit;
      if (!shown.length) { unitMap.classList.add("empty-map"); unitMap.textContent = unitMap.getAttribute("aria-label") + " —"; return; }
      var layer = L.geoJSON(shown, {
        style: function (f) { return { color: "#344054", weight: 1, fillColor: colour(f.properties.open), fillOpacity: 0.55 }; },
        onEachFeature: function (f, l) {
          l.bindTooltip(label(f.properties.name + ": " + f.properties.open + " " + unitMap.dataset.open + ", " + f.properties.overdue + " " + unitMap.dataset.overdue), { sticky: true });
          if (!f.properties.is_unit) { l.on("click", function () { window.location.href = "/dashboard/" + f.properties.code + window.location.search; }); }
        }
      }).addTo(um);
      if (unit.length && children.length) { L.geoJSON(unit, { style: { color: "#101828", weight: 2, fill: false } }).addTo(um); }
      um.fitBounds(layer.getBounds(), { padding: [8, 8] });
      unitMap.dataset.ready = String(shown.length);
    });
  }
})();
