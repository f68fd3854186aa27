/**
 * The report page's messages in French and English, and the choice of language. Pure module.
 * @module reports/messages
 */

/** @typedef {"fr" | "en"} Lang */

/** @type {Record<Lang, Record<string, string>>} */
export const MESSAGES = {
  en: {
    pageTitle: "Unmet demand",
    intro: "Searches and reservations that found a product in no store nearby, by product, area and week. Areas are about 10 km wide; no shopper is ever identified.",
    language: "Language",
    accessHeading: "Open the report",
    keyLabel: "Secret API key",
    open: "Open the report",
    accessHelp: "Or ask your administrator for a link (locator reports link).",
    filtersLegend: "Period and product",
    from: "From",
    to: "To",
    sku: "Product (sku, optional)",
    update: "Show",
    csv: "Download CSV",
    showMap: "Show the map of the areas",
    loading: "Loading the report…",
    loaded: "Report from {from} to {to}: {unmet} unmet searches and reservations.",
    empty: "Nothing was unmet in this period.",
    error: "The report could not be loaded: {detail}",
    networkError: "the service cannot be reached. Try again.",
    badKey: "this key or link is not valid (a secret key is needed).",
    totalsHeading: "Totals",
    unmet: "Unmet",
    searches: "Searches",
    basket_lines: "Basket lines",
    reservations_refused: "Reservations refused",
    reservations_expired: "Reservations expired",
    alerts_created: "Alerts created",
    trendHeading: "Top unmet products by week",
    areaFilter: "Area",
    allAreas: "All areas",
    chartLabel: "Bar chart of unmet searches per week for the top products; the same figures are in the table below.",
    other: "Other products",
    mapLabel: "Map of the areas with unmet demand",
    productsHeading: "Top products",
    areasHeading: "Top areas",
    rowsHeading: "By area and week",
    product: "Product",
    week: "Week",
    area: "Area",
    areas: "Areas",
    topProducts: "Most asked",
    nearestStore: "Nearest store",
    areaNear: "{km} km from {store}",
    areaTown: "{town} — {store}, {km} km away",
    areaUnknown: "Store without a location",
    weekOf: "week of {date}",
    truncated: "This period has more rows than one report reads: narrow it for exact figures.",
  },
  fr: {
    pageTitle: "Demande non satisfaite",
    intro: "Recherches et réservations qui n’ont trouvé le produit dans aucun magasin proche, par produit, zone et semaine. Les zones font environ 10 km ; aucun client n’est jamais identifié.",
    language: "Langue",
    accessHeading: "Ouvrir le rapport",
    keyLabel: "Clé d’API secrète",
    open: "Ouvrir le rapport",
    accessHelp: "Ou demandez un lien à votre administrateur (locator reports link).",
    filtersLegend: "Période et produit",
    from: "Du",
    to: "Au",
    sku: "Produit (référence, facultatif)",
    update: "Afficher",
    csv: "Télécharger le CSV",
    showMap: "Afficher la carte des zones",
    loading: "Chargement du rapport…",
    loaded: "Rapport du {from} au {to} : {unmet} recherches et réservations non satisfaites.",
    empty: "Aucune demande non satisfaite sur cette période.",
    error: "Le rapport n’a pas pu être chargé : {detail}",
    networkError: "le service est injoignable. Réessayez.",
    badKey: "cette clé ou ce lien n’est pas valable (il faut une clé secrète).",
    totalsHeading: "Totaux",
    unmet: "Non satisfaites",
    searches: "Recherches",
    basket_lines: "Lignes de panier",
    reservations_refused: "Réservations refusées",
    reservations_expired: "Réservations expirées",
    alerts_created: "Alertes créées",
    trendHeading: "Produits les plus demandés sans stock, par semaine",
    areaFilter: "Zone",
    allAreas: "Toutes les zones",
    chartLabel: "Histogramme des recherches non satisfaites par semaine pour les produits principaux ; les mêmes chiffres sont dans le tableau ci-dessous.",
    other: "Autres produits",
    mapLabel: "Carte des zones où la demande n’a pas été satisfaite",
    productsHeading: "Produits principaux",
    areasHeading: "Zones principales",
    rowsHeading: "Par zone et par semaine",
    product: "Produit",
    week: "Semaine",
    area: "Zone",
    areas: "Zones",
    topProducts: "Les plus demandés",
    nearestStore: "Magasin le plus proche",
    areaNear: "À {km} km de {store}",
    areaTown: "{town} — {store} à {km} km",
    areaUnknown: "Magasin sans position",
    weekOf: "semaine du {date}",
    truncated: "Cette période compte plus de lignes qu’un rapport n’en lit : réduisez-la pour des chiffres exacts.",
  },
};

/**
 * Choose the language: the one asked for (`?lang=`), else the browser's first French or English.
 * @param {string | null} requested
 * @param {readonly string[]} browser
 * @returns {Lang}
 */
export function pickLang(requested, browser) {
  for (const candidate of [requested, ...browser]) {
    const base = (candidate || "").slice(0, 2).toLowerCase();
    if (base === "fr" || base === "en") return base;
  }
  return "en";
}

/**
 * Return a message with its `{name}` placeholders filled.
 * @param {Lang} lang
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 */
export function t(lang, key, params = {}) {
  const text = MESSAGES[lang][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}
