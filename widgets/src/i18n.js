/**
 * Messages in French and English, and the choice of language.
 *
 * Pure module: no DOM access. The elements pass the page's language and the browser's in.
 * @module i18n
 */

/** @typedef {"fr" | "en"} Lang */

/** @type {readonly Lang[]} */
export const LANGS = ["fr", "en"];
export const DEFAULT_LANG = "en";

/**
 * Messages by language. A value is a string with `{name}` placeholders, or an object of
 * plural forms (`one`, `other`) chosen with `Intl.PluralRules` on the `n` parameter.
 * @type {Record<Lang, Record<string, string | Record<string, string>>>}
 */
export const MESSAGES = {
  en: {
    regionLabel: "Find this product in a store near you",
    searchLabel: "Postcode or town",
    searchLandmark: "Find a store",
    searchButton: "Search",
    locate: "Use my location",
    locating: "Finding your location…",
    geo_denied: "Location access was declined, so search by postcode or town instead.",
    geo_timeout: "Your location could not be found in time, so search by postcode or town instead.",
    geo_insecure: "This page is not secure (https), so the browser cannot share your location. Search by postcode or town instead.",
    geo_unavailable: "Your location is unavailable right now, so search by postcode or town instead.",
    geo_unsupported: "This browser cannot share your location, so search by postcode or town instead.",
    searchEmpty: "Enter a postcode or a town.",
    placeNotFound: "No place found for “{q}”. Check the spelling or try a postcode.",
    filtersLegend: "Show only",
    inStockOnly: "Stores with stock",
    openNowFilter: "Stores open now",
    loading: "Searching for stores…",
    resultsHeading: "Stores near {place}",
    resultsCount: { one: "{n} store near {place}.", other: "{n} stores near {place}." },
    resultsFiltered: { one: "{n} store shown, {hidden} hidden by the filters.", other: "{n} stores shown, {hidden} hidden by the filters." },
    yourLocation: "your location",
    noStock: "No store has this product in stock within {radius}.",
    noStores: "No store within {radius}.",
    noMatch: "No store within {radius} matches the filters.",
    clearFilters: "Show all stores",
    widen: "Search within {radius}",
    nearestWithout: "Nearest stores, currently without stock",
    unreachable: "The store service cannot be reached. Check your connection and try again.",
    rejected: "The store service refused the request ({status}). Please try again later.",
    retry: "Try again",
    level_in_stock: "In stock",
    level_low_stock: "Low stock",
    level_out_of_stock: "Out of stock",
    level_unknown: "Stock unknown",
    qtyAvailable: { one: "{n} available", other: "{n} available" },
    simulated: "demo: simulated stock",
    stale: "count may be out of date",
    openCloses: "Open · closes at {time}",
    open: "Open",
    closedOpens: "Closed · opens at {time}",
    closedOpensTomorrow: "Closed · opens tomorrow at {time}",
    closedOpensDay: "Closed · opens {day} at {time}",
    closed: "Closed",
    hoursUnknown: "Opening hours unknown",
    today: "Today: {hours}",
    closedToday: "Closed today",
    away: "{distance} away",
    myStore: "My store",
    setMyStore: "Make this my store",
    withStore: "{label} – {store}",
    myStoreSaved: "{store} is now your store.",
    reserve: "Reserve",
    reserveAt: "Reserve at {store}",
    reserveTitle: "Reserve at {store}",
    product: "Product {sku}",
    quantity: "Quantity",
    quantityHint: { one: "Up to {n} unit.", other: "Up to {n} units." },
    name: "Your name",
    contact: "Email or phone number",
    contactHint: "Used only to tell you about this reservation.",
    consent: "I agree that the store keeps my name and contact details to manage this reservation.",
    submitReserve: "Reserve for pick-up",
    alertTitle: "Tell me when it's back",
    alertLead: "Not in stock here? We can email you once when {product} is back.",
    alertOffer: "Tell me when it's back",
    alertWhere: "Where?",
    alertAtStore: "At {store}",
    alertNearby: "At any store within {radius}",
    alertEmail: "Email address",
    alertConsent: "I agree to receive one email when this product is back (and the email to confirm it). My address is deleted when the alert ends.",
    alertSubmit: "Notify me",
    alertSending: "Sending…",
    alertSent: "Almost done: confirm the alert with the link we emailed to {email}.",
    alertActive: "You are already on the list: we will email {email} when it is back.",
    alertFailed: "The alert could not be created: {detail}",
    alertErrEmail: "Enter a valid email address.",
    alertErrConsent: "Tick the box to agree, so that we may email you.",
    reserving: "Reserving…",
    back: "Back to the stores",
    err_qty: "Choose a quantity from 1 to {max}.",
    err_name: "Enter your name.",
    err_contact: "Enter a valid email address or phone number.",
    err_consent: "Tick the box to agree, so that the store can hold the product for you.",
    formErrors: { one: "Please correct {n} field.", other: "Please correct {n} fields." },
    stockShort: "There is not enough stock left in this store. Choose a smaller quantity or another store.",
    reserveFailed: "The reservation could not be made: {detail}",
    confirmedTitle: "Your reservation is confirmed",
    confirmedWhat: "{qty} × {product} at {store}",
    pickupQrLabel: "QR code of pick-up code {code}: show it at the store",
    pickupCodeLabel: "Pick-up code:",
    holdUntil: "Held for you until {time} (store time).",
    reservationRef: "Reservation {id}",
    cancelReservation: "Cancel this reservation",
    cancelling: "Cancelling…",
    cancelledTitle: "Your reservation is cancelled",
    cancelledText: "The store no longer holds {product} for you.",
    cancelFailed: "The reservation could not be cancelled: {detail}",
    confirmedAnnounce: "Reservation confirmed. Pick-up code {code}.",
    mapLabel: "Map of the stores in the list",
    mapFailed: "The map could not be loaded; the list shows every store.",
    badgeInStock: { one: "In stock at {n} store near you", other: "In stock at {n} stores near you" },
    badgeNearest: "Nearest: {store}, {distance}",
    badgeNone: "Not in stock near you: see the stores",
    badgeCheck: "Check in-store availability",
    badgeLoading: "Checking stock in stores near you…",
    badgeLevelLow: "low stock",
  },
  fr: {
    regionLabel: "Trouver ce produit dans un magasin près de chez vous",
    searchLabel: "Code postal ou ville",
    searchLandmark: "Trouver un magasin",
    searchButton: "Rechercher",
    locate: "Utiliser ma position",
    locating: "Recherche de votre position…",
    geo_denied: "L’accès à votre position a été refusé : recherchez plutôt par code postal ou ville.",
    geo_timeout: "Votre position n’a pas pu être obtenue à temps : recherchez plutôt par code postal ou ville.",
    geo_insecure: "Cette page n’est pas sécurisée (https), le navigateur ne peut donc pas partager votre position. Recherchez plutôt par code postal ou ville.",
    geo_unavailable: "Votre position est indisponible pour le moment : recherchez plutôt par code postal ou ville.",
    geo_unsupported: "Ce navigateur ne peut pas partager votre position : recherchez plutôt par code postal ou ville.",
    searchEmpty: "Indiquez un code postal ou une ville.",
    placeNotFound: "Aucun lieu trouvé pour « {q} ». Vérifiez l’orthographe ou essayez un code postal.",
    filtersLegend: "Afficher uniquement",
    inStockOnly: "Les magasins avec du stock",
    openNowFilter: "Les magasins ouverts",
    loading: "Recherche des magasins…",
    resultsHeading: "Magasins près de {place}",
    resultsCount: { one: "{n} magasin près de {place}.", other: "{n} magasins près de {place}." },
    resultsFiltered: { one: "{n} magasin affiché, {hidden} masqué(s) par les filtres.", other: "{n} magasins affichés, {hidden} masqué(s) par les filtres." },
    yourLocation: "votre position",
    noStock: "Aucun magasin n’a ce produit en stock à moins de {radius}.",
    noStores: "Aucun magasin à moins de {radius}.",
    noMatch: "Aucun magasin à moins de {radius} ne correspond aux filtres.",
    clearFilters: "Afficher tous les magasins",
    widen: "Chercher à moins de {radius}",
    nearestWithout: "Magasins les plus proches, actuellement sans stock",
    unreachable: "Le service des magasins est injoignable. Vérifiez votre connexion et réessayez.",
    rejected: "Le service des magasins a refusé la demande ({status}). Réessayez plus tard.",
    retry: "Réessayer",
    level_in_stock: "En stock",
    level_low_stock: "Stock faible",
    level_out_of_stock: "En rupture",
    level_unknown: "Stock inconnu",
    qtyAvailable: { one: "{n} disponible", other: "{n} disponibles" },
    simulated: "démo : stock simulé",
    stale: "décompte peut-être ancien",
    openCloses: "Ouvert · ferme à {time}",
    open: "Ouvert",
    closedOpens: "Fermé · ouvre à {time}",
    closedOpensTomorrow: "Fermé · ouvre demain à {time}",
    closedOpensDay: "Fermé · ouvre {day} à {time}",
    closed: "Fermé",
    hoursUnknown: "Horaires inconnus",
    today: "Aujourd’hui : {hours}",
    closedToday: "Fermé aujourd’hui",
    away: "à {distance}",
    myStore: "Mon magasin",
    setMyStore: "Choisir comme mon magasin",
    withStore: "{label} – {store}",
    myStoreSaved: "{store} est maintenant votre magasin.",
    reserve: "Réserver",
    reserveAt: "Réserver à {store}",
    reserveTitle: "Réserver à {store}",
    product: "Produit {sku}",
    quantity: "Quantité",
    quantityHint: { one: "{n} unité au plus.", other: "{n} unités au plus." },
    name: "Votre nom",
    contact: "E-mail ou numéro de téléphone",
    contactHint: "Utilisé uniquement pour vous informer de cette réservation.",
    consent: "J’accepte que le magasin conserve mon nom et mes coordonnées pour gérer cette réservation.",
    submitReserve: "Réserver pour retrait",
    alertTitle: "Prévenez-moi de son retour",
    alertLead: "Pas en stock ici ? Nous pouvons vous écrire une fois dès que {product} est de retour.",
    alertOffer: "Prévenez-moi de son retour",
    alertWhere: "Où ?",
    alertAtStore: "À {store}",
    alertNearby: "Dans n’importe quel magasin à moins de {radius}",
    alertEmail: "Adresse e-mail",
    alertConsent: "J’accepte de recevoir un e-mail quand ce produit sera de retour (et celui pour confirmer l’alerte). Mon adresse est effacée à la fin de l’alerte.",
    alertSubmit: "Me prévenir",
    alertSending: "Envoi…",
    alertSent: "Presque fini : confirmez l’alerte avec le lien envoyé à {email}.",
    alertActive: "C’est déjà noté : nous écrirons à {email} dès son retour.",
    alertFailed: "L’alerte n’a pas pu être créée : {detail}",
    alertErrEmail: "Saisissez une adresse e-mail valide.",
    alertErrConsent: "Cochez la case pour accepter, afin que nous puissions vous écrire.",
    reserving: "Réservation en cours…",
    back: "Retour aux magasins",
    err_qty: "Choisissez une quantité entre 1 et {max}.",
    err_name: "Indiquez votre nom.",
    err_contact: "Indiquez une adresse e-mail ou un numéro de téléphone valide.",
    err_consent: "Cochez la case pour accepter, afin que le magasin puisse vous mettre le produit de côté.",
    formErrors: { one: "Corrigez {n} champ.", other: "Corrigez {n} champs." },
    stockShort: "Il ne reste pas assez de stock dans ce magasin. Choisissez une quantité plus petite ou un autre magasin.",
    reserveFailed: "La réservation n’a pas pu être faite : {detail}",
    confirmedTitle: "Votre réservation est confirmée",
    confirmedWhat: "{qty} × {product} à {store}",
    pickupQrLabel: "Code QR du code de retrait {code} : présentez-le au magasin",
    pickupCodeLabel: "Code de retrait :",
    holdUntil: "Mis de côté jusqu’au {time} (heure du magasin).",
    reservationRef: "Réservation {id}",
    cancelReservation: "Annuler cette réservation",
    cancelling: "Annulation en cours…",
    cancelledTitle: "Votre réservation est annulée",
    cancelledText: "Le magasin ne vous réserve plus {product}.",
    cancelFailed: "La réservation n’a pas pu être annulée : {detail}",
    confirmedAnnounce: "Réservation confirmée. Code de retrait {code}.",
    mapLabel: "Carte des magasins de la liste",
    mapFailed: "La carte n’a pas pu être chargée ; la liste montre tous les magasins.",
    badgeInStock: { one: "En stock dans {n} magasin près de chez vous", other: "En stock dans {n} magasins près de chez vous" },
    badgeNearest: "Le plus proche : {store}, à {distance}",
    badgeNone: "Pas en stock près de chez vous : voir les magasins",
    badgeCheck: "Voir la disponibilité en magasin",
    badgeLoading: "Vérification du stock dans les magasins proches…",
    badgeLevelLow: "stock faible",
  },
};

/**
 * Reduce a language tag to a supported language, or null ("fr-CA" -> "fr", "de" -> null).
 * @param {string | null | undefined} tag
 * @returns {Lang | null}
 */
export function supportedLang(tag) {
  if (!tag) return null;
  const base = String(tag).trim().toLowerCase().split(/[-_]/)[0];
  return /** @type {Lang | null} */ (LANGS.includes(/** @type {Lang} */ (base)) ? base : null);
}

/**
 * Choose the language: the element's `lang` attribute, then the page's, then the browser's
 * preferences in order, then English.
 * @param {string | null | undefined} attribute the element's `lang` attribute
 * @param {string | null | undefined} pageLang `document.documentElement.lang`
 * @param {readonly string[]} [browserLangs] `navigator.languages`
 * @returns {Lang}
 */
export function pickLang(attribute, pageLang, browserLangs = []) {
  for (const tag of [attribute, pageLang, ...browserLangs]) {
    const lang = supportedLang(tag);
    if (lang) return lang;
  }
  return DEFAULT_LANG;
}

/**
 * Translate a message key with its parameters; a missing key falls back to English, then to
 * the key itself, so that a gap never breaks the widget.
 * @param {Lang} lang
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 * @returns {string}
 */
export function t(lang, key, params = {}) {
  let message = MESSAGES[lang]?.[key] ?? MESSAGES.en[key] ?? key;
  if (typeof message === "object") {
    const n = Number(params.n ?? 0);
    const form = new Intl.PluralRules(lang).select(n);
    message = message[form] ?? message.other;
  }
  return message.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/**
 * Return a translator bound to one language.
 * @param {Lang} lang
 * @returns {(key: string, params?: Record<string, string | number>) => string}
 */
export function translator(lang) {
  return (key, params) => t(lang, key, params);
}
