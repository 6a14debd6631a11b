// Draws the Leaflet maps of the statistics pages, without any tile server (the site works
// offline): the outline of today's provinces and of the Hoàng Sa and Trường Sa archipelagos
// (stats/provinces.geo.json, a static file; see scripts/build_province_map.py), then either
//   - the nation: each province shaded by its products, with a legend and labels, or
//   - one province ("focus"): that province outlined, its communes as circles sized by their
//     products.
// Each <div data-map="ID" data-outline="URL" data-label-…> reads its figures from the JSON
// <script id="ID"> next to it; the table beside the map holds the same figures and is the
// accessible version. Labels come translated in the data-label-… attributes.
(function () {
  "use strict";

  const SHADES = ["#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c"];
  const NONE = "#f4f4f2";
  const BORDER = "#6b7b6b";
  // Figures as the page's language writes them (vi: 6.000), as the table beside the map does.
  const NUMBER = new Intl.NumberFormat(document.documentElement.lang || undefined);
  const figure = function (n) { return NUMBER.format(n); };
  let outline = null; // one fetch of the GeoJSON for every map of the page

  function loadOutline(url) {
    outline = outline || fetch(url).then(function (response) {
      if (!response.ok) {
        throw new Error("map outline: HTTP " + response.status);
      }
      return response.json();
    });
    return outline;
  }

  // Classes of equal, round width (1, 2 or 5 × 10^k), at most five: [{from, to, colour}].
  function classes(largest) {
    if (largest <= 0) {
      return [];
    }
    const rough = largest / SHADES.length;
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const width = [1, 2, 5, 10].map(function (f) { return f * power; })
      .find(function (w) { return w >= rough; });
    const count = Math.ceil(largest / width);
    const result = [];
    for (let i = 0; i < count; i += 1) {
      const shade = count === 1 ? 3 : Math.round(i * (SHADES.length - 1) / (count - 1));
      result.push({from: i * width + 1, to: (i + 1) * width, colour: SHADES[shade]});
    }
    return result;
  }

  function colourOf(value, scale) {
    const found = scale.find(function (c) { return value >= c.from && value <= c.to; });
    return found ? found.colour : NONE;
  }

  function rangeText(c) {
    return c.from === c.to ? figure(c.from) : figure(c.from) + "–" + figure(c.to);
  }

  // Tooltip content as text, never as HTML.
  function text(content) {
    const element = document.createElement("span");
    element.textContent = content;
    return element;
  }

  function label(map, latlng, lines, className) {
    const element = document.createElement("span");
    lines.forEach(function (text, index) {
      const line = document.createElement(index === 0 ? "strong" : "span");
      line.textContent = text;
      element.appendChild(line);
    });
    return L.marker(latlng, {
      icon: L.divIcon({className: "stats-map-label " + className, html: element, iconSize: null}),
      interactive: false,
      keyboard: false,
    }).addTo(map);
  }

  // Hide the labels that would overlap a label placed before them (largest figures first).
  function declutter(labels) {
    const placed = [];
    labels.forEach(function (marker) {
      const element = marker.getElement();
      element.hidden = false;
      const box = element.firstChild.getBoundingClientRect();
      const overlaps = placed.some(function (other) {
        return box.left < other.right && box.right > other.left &&
          box.top < other.bottom && box.bottom > other.top;
      });
      if (overlaps) {
        element.hidden = true;
      } else {
        placed.push(box);
      }
    });
  }

  function legend(map, labels, scale, focus) {
    const control = L.control({position: "topright"});
    control.onAdd = function () {
      const box = L.DomUtil.create("div", "stats-map-legend");
      function entry(colour, text, round) {
        const row = L.DomUtil.create("span", "", box);
        const swatch = L.DomUtil.create("i", round ? "round" : "", row);
        swatch.style.backgroundColor = colour;
        row.appendChild(document.createTextNode(text));
      }
      if (focus) {
        entry(SHADES[3], labels.communes, true);
      } else {
        L.DomUtil.create("strong", "", box).textContent = labels.products;
        entry(NONE, "0");
        scale.forEach(function (c) { entry(c.colour, rangeText(c)); });
      }
      return box;
    };
    control.addTo(map);
  }

  function draw(element, geojson) {
    const data = JSON.parse(document.getElementById(element.dataset.map).textContent);
    const labels = {
      products: element.dataset.labelProducts,
      communes: element.dataset.labelCommunes,
      hoang_sa: element.dataset.labelHoangSa,
      truong_sa: element.dataset.labelTruongSa,
    };
    const values = data.values || {};
    const focus = data.focus || null;
    const scale = classes(Math.max.apply(null, [0].concat(Object.values(values))));
    const map = L.map(element, {scrollWheelZoom: false, zoomSnap: 0.25});
    map.attributionControl.setPrefix("Leaflet").addAttribution(element.dataset.labelSource);

    function codeOf(feature) {
      return feature.properties.code || feature.properties.province;
    }
    const shapes = L.geoJSON(geojson, {
      style: function (feature) {
        const code = codeOf(feature);
        const focused = focus && code === focus;
        return {
          color: focused ? "#1b5e20" : BORDER,
          // The islands of the archipelagos are smaller than a pixel: a thicker line shows them.
          weight: focused ? 2.5 : feature.properties.archipelago ? 2 : 0.8,
          fillColor: focus ? (focused ? SHADES[0] : NONE) : colourOf(values[code] || 0, scale),
          fillOpacity: 1,
        };
      },
      onEachFeature: function (feature, layer) {
        const p = feature.properties;
        const shown = focus ? "" : ": " + figure(values[p.code] || 0);
        const name = p.archipelago ? labels[p.archipelago] : p.name + shown;
        layer.bindTooltip(text(name), {sticky: true});
      },
    });

    // The view first: layers added to a map without one wait for it.
    let bounds = shapes.getBounds();
    shapes.eachLayer(function (layer) {
      if (focus && layer.feature.properties.code === focus) {
        bounds = layer.getBounds();
      }
    });
    // Room on the right for the label of the Trường Sa archipelago, the easternmost shape.
    map.fitBounds(bounds, {paddingTopLeft: [10, 10], paddingBottomRight: [focus ? 10 : 50, 10]});
    shapes.addTo(map);

    const placed = [];
    shapes.eachLayer(function (layer) {
      const p = layer.feature.properties;
      const latlng = [p.label[1], p.label[0]];
      if (p.archipelago) {
        label(map, latlng, [labels[p.archipelago]], "stats-map-archipelago");
      } else if (!focus && values[p.code] > 0) {
        placed.push({marker: label(map, latlng, [p.short_name, figure(values[p.code])], ""),
          value: values[p.code]});
      }
    });
    placed.sort(function (a, b) { return b.value - a.value; });
    const provinceLabels = placed.map(function (item) { return item.marker; });

    const markers = data.markers || [];
    const largest = Math.max.apply(null, [1].concat(markers.map(function (m) { return m.products; })));
    markers.forEach(function (marker) {
      L.circleMarker([marker.lat, marker.lon], {
        radius: 4 + 16 * Math.sqrt(marker.products / largest),
        color: "#1b5e20",
        weight: 1,
        fillColor: SHADES[3],
        fillOpacity: 0.7,
      }).bindTooltip(text(marker.name + ": " + figure(marker.products))).addTo(map);
    });

    legend(map, labels, scale, focus);
    declutter(provinceLabels);
    map.on("zoomend", function () { declutter(provinceLabels); });
    element.dataset.shapes = String(shapes.getLayers().length);
    element.dataset.markers = String(markers.length);
  }

  function start() {
    document.querySelectorAll("[data-map]").forEach(function (element) {
      if (typeof L === "undefined") {
        return;
      }
      loadOutline(element.dataset.outline).then(function (geojson) {
        draw(element, geojson);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
