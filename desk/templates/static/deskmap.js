// The desk's tile map (only when desk.tile_url is set): the points of the
// page's JSON over tiles, with Leaflet served by the desk. Without script
// (or without the tiles) the SVG map below stays.
(function () {
  var el = document.getElementById('deskmap-data');
  var box = document.getElementById('tilemap');
  if (!el || !box || !window.L) { return; }
  var d = JSON.parse(el.textContent);
  var colours = { submitted: '#1f5fa8', returned: '#7b1fa2', dispatched: '#b26a00', verified: '#00838f', fixed: '#2e7d32' };
  box.hidden = false;
  var map = L.map(box);
  L.tileLayer(d.url, { attribution: d.attribution, maxZoom: 19 }).addTo(map);
  d.alleys.forEach(function (a) {
    var style = { color: '#5f7d96', weight: 1, fillOpacity: 0.08 };
    var shape = a.line && a.line.length > 1
      ? L.polyline(a.line, { color: '#5f7d96', weight: 6, opacity: 0.35 })
      : L.circle([a.lat, a.lon], Object.assign({ radius: a.radius }, style));
    shape.bindTooltip(a.name).addTo(map);
  });
  d.points.forEach(function (p) {
    var a = document.createElement('a');
    a.href = '/desk/case/' + encodeURIComponent(p.number);
    a.textContent = p.title;
    L.circleMarker([p.lat, p.lon], { radius: 7, weight: 2, fillOpacity: 0.85, color: p.overdue ? '#c62828' : (colours[p.status] || '#555') })
      .bindPopup(a).addTo(map);
  });
  map.fitBounds([[d.bounds[0], d.bounds[1]], [d.bounds[2], d.bounds[3]]]);
  var svg = document.getElementById('svgmap');
  if (svg) { svg.style.display = 'none'; }
})();
