/* docfinder: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var t;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  /* --- autocomplete: the ARIA 1.2 combobox pattern over /api/v1/autocomplete ------------- */
  function Combo(input) {
    this.input = input;
    this.list = document.getElementById(input.getAttribute("aria-controls"));
    this.url = input.getAttribute("data-autocomplete");
    this.items = [];
    this.active = -1;
    this.seq = 0;
    var self = this;
    input.addEventListener("input", debounce(function () { self.fetch(); }, 120));
    input.addEventListener("keydown", function (e) { self.key(e); });
    input.addEventListener("blur", function () { setTimeout(function () { self.close(); }, 150); });
  }
  Combo.prototype.fetch = function () {
    var q = this.input.value.trim(), self = this, seq = ++this.seq;
    if (q.length < 2) { this.close(); return; }
    fetch(this.url + "?q=" + encodeURIComponent(q) + "&limit=8", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) {
        // A late answer for a box the person has left stays closed.
        if (seq === self.seq && document.activeElement === self.input) { self.show(data.suggestions || []); }
      })
      .catch(function () { self.close(); });
  };
  Combo.prototype.show = function (items) {
    var self = this;
    this.items = items;
    this.active = -1;
    this.list.textContent = "";
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = self.list.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = item.name;
      if (item.kind) {
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = item.kind === "near_me" ? "" : item.kind;
        li.appendChild(kind);
      }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); self.pick(i); });
      self.list.appendChild(li);
    });
    var open = items.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    this.input.removeAttribute("aria-activedescendant");
  };
  Combo.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };
  Combo.prototype.move = function (step) {
    if (this.list.hidden || !this.items.length) { return; }
    this.active = (this.active + step + this.items.length) % this.items.length;
    var self = this;
    Array.prototype.forEach.call(this.list.children, function (li, i) {
      li.setAttribute("aria-selected", i === self.active ? "true" : "false");
      if (i === self.active) { li.scrollIntoView({ block: "nearest" }); }
    });
    this.input.setAttribute("aria-activedescendant", this.list.id + "-" + this.active);
  };
  Combo.prototype.pick = function (i) {
    var item = this.items[i];
    if (!item) { return; }
    this.input.value = item.name;
    this.close();
    this.input.dispatchEvent(new CustomEvent("picked", { detail: item }));
  };
  Combo.prototype.key = function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); if (this.list.hidden) { this.fetch(); } else { this.move(1); } }
    else if (e.key === "ArrowUp") { e.preventDefault(); this.move(-1); }
    else if (e.key === "Enter" && !this.list.hidden && this.active >= 0) { e.preventDefault(); this.pick(this.active); }
    else if (e.key === "Escape") { this.close(); }
  };

  /* --- "Use my location", with the typed place as the fallback ---------------------------- */
  function locate(form, button) {
    var status = form.querySelector("[data-status]") || document.querySelector("[data-status]");
    var where = form.querySelector("input[name=where]");
    var what = form.querySelector("input[name=what]");
    function say(text) { if (status) { status.textContent = text; } }
    if (what && what.type !== "hidden" && !what.value.trim()) {
      say("First say what you need, then use your location.");
      what.focus();
      return;
    }
    if (!navigator.geolocation) {
      say("Your browser cannot share its location. Type your city or ZIP code instead.");
      if (where) { where.focus(); }
      return;
    }
    say("Finding your location…");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[data-lat]").value = pos.coords.latitude.toFixed(5);
      form.querySelector("[data-lon]").value = pos.coords.longitude.toFixed(5);
      if (where) { where.value = ""; where.required = false; }
      say("Found you. Searching…");
      form.submit();
    }, function () {
      say("We could not use your location (permission refused or unavailable). Type your city or ZIP code instead.");
      if (where) { where.required = true; where.focus(); }
    }, { timeout: 10000, maximumAge: 600000 });
  }

  function setUpForms() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-autocomplete]"), function (input) {
      new Combo(input);
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-search]"), function (form) {
      var button = form.querySelector("[data-locate]");
      if (!button || !navigator.geolocation) { return; }
      button.hidden = false;
      button.addEventListener("click", function () { locate(form, button); });
      if (button.hasAttribute("data-auto")) { locate(form, button); }
    });
  }

  /* --- a static site's near-me page: go to the nearest place that has a page --------------- */
  function setUpNearest() {
    var box = document.querySelector("[data-nearest]");
    var button = document.querySelector("[data-locate-nearest]");
    if (!box || !button || !navigator.geolocation) { return; }
    var status = document.querySelector("[data-status]");
    function go() {
      if (status) { status.textContent = "Finding your location…"; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        var best = null, bestD = Infinity;
        Array.prototype.forEach.call(box.querySelectorAll("a[data-lat]"), function (a) {
          var dLat = Number(a.getAttribute("data-lat")) - pos.coords.latitude;
          var dLon = (Number(a.getAttribute("data-lon")) - pos.coords.longitude) * Math.cos(pos.coords.latitude * Math.PI / 180);
          var d = dLat * dLat + dLon * dLon;
          if (d < bestD) { bestD = d; best = a; }
        });
        if (best) { window.location.href = best.href; }
      }, function () {
        if (status) { status.textContent = "We could not use your location (permission refused or unavailable). Pick a place below."; }
        var first = box.querySelector("a");
        if (first) { first.focus(); }
      }, { timeout: 10000, maximumAge: 600000 });
    }
    button.hidden = false;
    button.addEventListener("click", go);
    go();
  }

  /* --- live results: filters apply as they change, without a full reload ------------------ */
  function setUpLive() {
    var form = document.querySelector("form[data-live]");
    if (!form || !window.fetch || !window.DOMParser) { return; }
    function load(url, push) {
      var results = document.getElementById("results");
      results.setAttribute("aria-busy", "true");
      fetch(url, { headers: { Accept: "text/html" } }).then(function (r) { return r.text(); }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("results");
        if (fresh) { results.replaceWith(fresh); }
        var summary = doc.querySelector("[data-summary]"), old = document.querySelector("[data-summary]");
        if (summary && old) { old.replaceWith(summary); }
        var points = doc.querySelector(".map-box [data-map-points]"), oldPoints = document.querySelector(".map-box [data-map-points]");
        if (points && oldPoints) { oldPoints.replaceWith(points); drawMap(); }
        if (push) { history.pushState({ live: true }, "", url); }
      }).catch(function () { window.location.href = url; });
    }
    function url() {
      var params = new URLSearchParams(new FormData(form));
      Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
      var q = params.toString();
      return form.getAttribute("action") + (q ? "?" + q : "");
    }
    form.addEventListener("change", function (e) {
      if (e.target.tagName === "SELECT") { load(url(), true); }
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); load(url(), true); });
    window.addEventListener("popstate", function () { load(window.location.href, false); });
  }

  /* --- the map: numbered pins for the listed doctors; tiles only when configured ------------ */
  var map = null, layer = null;
  function drawMap() {
    var box = document.getElementById("map");
    if (!box || !window.L) { return; }
    if (!map) {
      map = L.map(box, { scrollWheelZoom: false });
      var tiles = box.getAttribute("data-tiles");
      if (tiles) { L.tileLayer(tiles, { maxZoom: 18, attribution: box.getAttribute("data-attribution") || "" }).addTo(map); }
      layer = L.layerGroup().addTo(map);
    }
    layer.clearLayers();
    var bounds = [];
    var center = box.getAttribute("data-center");
    if (center) {
      var c = center.split(",").map(Number);
      L.circleMarker(c, { radius: 6, color: "#c2410c", weight: 3 }).bindTooltip("Searched place").addTo(layer);
      bounds.push(c);
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-map-points] [data-lat]"), function (li) {
      var p = [Number(li.getAttribute("data-lat")), Number(li.getAttribute("data-lon"))];
      var icon = L.divIcon({ className: "map-pin", html: "<span>" + li.getAttribute("data-rank") + "</span>", iconSize: [28, 28] });
      var marker = L.marker(p, { icon: icon, title: li.getAttribute("data-name"), keyboard: false }).addTo(layer);
      var link = li.getAttribute("data-url");
      var label = document.createElement(link ? "a" : "span");
      label.textContent = li.getAttribute("data-name");
      if (link) { label.href = link; }
      marker.bindPopup(label);
      bounds.push(p);
    });
    if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 }); }
    else { map.setView([39.5, -98.35], 4); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpForms();
    setUpNearest();
    setUpLive();
    if (window.L) { drawMap(); } else { window.addEventListener("load", drawMap); }
  });
})();
