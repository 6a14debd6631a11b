// Draws the Leaflet maps of the statistics pages: one circle per province or commune centre,
// sized by its products, without any tile server (the site works offline). Each
// <div data-map="ID"> reads its markers from the JSON <script id="ID"> next to it; the table
// below the map holds the same figures.
(function () {
  "use strict";

  function draw(element) {
    const source = document.getElementById(element.dataset.map);
    if (!source || typeof L === "undefined") {
      return;
    }
    const markers = JSON.parse(source.textContent);
    if (!markers.length) {
      element.hidden = true;
      return;
    }
    const map = L.map(element, {attributionControl: false, scrollWheelZoom: false});
    const largest = Math.max.apply(null, markers.map(function (m) { return m.products; }));
    const layer = L.featureGroup(markers.map(function (marker) {
      return L.circleMarker([marker.lat, marker.lon], {
        radius: 4 + 16 * Math.sqrt(marker.products / largest),
        color: "#1b5e20",
        weight: 1,
        fillColor: "#2e7d32",
        fillOpacity: 0.6,
      }).bindTooltip(marker.name + ": " + marker.products);
    })).addTo(map);
    map.fitBounds(layer.getBounds(), {padding: [20, 20], maxZoom: 11});
    element.dataset.markers = String(markers.length);
  }

  function start() {
    document.querySelectorAll("[data-map]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
