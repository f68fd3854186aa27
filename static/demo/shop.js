// The demo retailer's own page script: it opens the locator when the stock badge is activated,
// toggles the optional map and reports reservations. Everything here is what a retailer would
// write; the widget itself needs none of it.
const locator = document.getElementById("locator");
const section = document.getElementById("retrait");
const status = document.getElementById("shop-status");
const mapToggle = document.getElementById("map-toggle");

document.addEventListener("locator:open", (event) => {
  section.scrollIntoView({ behavior: "smooth", block: "start" });
  const place = event.detail?.place;
  if (place && Number.isFinite(place.lat) && typeof locator.searchAt === "function") {
    locator.searchAt(place.lat, place.lon, place.label || undefined);
  }
  locator.focus();
});

mapToggle?.addEventListener("click", () => {
  const on = !locator.hasAttribute("map");
  locator.toggleAttribute("map", on);
  mapToggle.setAttribute("aria-pressed", String(on));
  mapToggle.textContent = on ? "Masquer la carte" : "Afficher la carte";
});

locator.addEventListener("locator:reserved", (event) => {
  status.textContent = `Réservation ${event.detail.pickupCode} confirmée à ${event.detail.store.name}.`;
  document.getElementById("badge")?.refresh?.();
});

locator.addEventListener("locator:results", () => {
  document.getElementById("badge")?.refresh?.();
});

// A back-in-stock email links here with ?sku=…&store=… (the tenant's `product_url_template`
// unset): show that product around that store, the store first.
const linked = new URLSearchParams(location.search);
const linkedSku = linked.get("sku");
if (linkedSku && linkedSku !== locator.getAttribute("sku")) {
  locator.removeAttribute("product-name"); // the page's own product is another one
  locator.setAttribute("sku", linkedSku);
  document.getElementById("badge")?.setAttribute("sku", linkedSku);
}
const linkedStore = linked.get("store");
if (linkedStore) {
  fetch(`/v1/stores/${encodeURIComponent(linkedStore)}`, { headers: { "X-Api-Key": locator.getAttribute("api-key") } })
    .then((answer) => (answer.ok ? answer.json() : null))
    .then((store) => {
      if (store?.location) locator.searchAt(store.location.lat, store.location.lon, store.name);
      section.scrollIntoView({ block: "start" });
    })
    .catch(() => {});
}
