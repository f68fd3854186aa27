/**
 * The kiosk's words in French and English (kept out of the shop widget's bundle).
 * @module kiosk/kiosk-i18n
 */

/** @type {Record<"fr" | "en", Record<string, string | Record<string, string>>>} */
export const KIOSK_MESSAGES = {
  en: {
    region: "Find a product in this store and nearby",
    welcome: "Find a product",
    here: "You are at {store}",
    searchLabel: "Product name or reference",
    search: "Search",
    searching: "Searching…",
    noProduct: "No product matches “{q}”.",
    choose: "Choose the product",
    stockHeading: "{product}: here and in the nearest stores",
    thisStore: "this store",
    level_in_stock: "In stock",
    level_low_stock: "Low stock",
    level_out_of_stock: "Out of stock",
    qty: { one: "{n} available", other: "{n} available" },
    reserveHere: "Reserve at {store}",
    formHeading: "Reserve at {store}",
    contactLabel: "Your phone number or e-mail",
    contactHint: "Used only for this reservation, then deleted.",
    contactNeeded: "Give a phone number or an e-mail address.",
    reserve: "Reserve",
    reserving: "Reserving…",
    back: "Back",
    startOver: "Start again",
    doneTitle: "Reserved: your pick-up code is {code}",
    doneText: "At {store}, held until {time}. Show the code or the QR code at the counter.",
    qrLabel: "QR code of pick-up code {code}",
    done: "Done",
    clears: "This screen clears itself in a moment.",
    failed: "That did not work: {message}",
    unreachable: "The service cannot be reached. Please try again.",
    otherLang: "Français",
    otherLangCode: "fr",
  },
  fr: {
    region: "Trouver un produit dans ce magasin et à proximité",
    welcome: "Trouver un produit",
    here: "Vous êtes à {store}",
    searchLabel: "Nom ou référence du produit",
    search: "Rechercher",
    searching: "Recherche…",
    noProduct: "Aucun produit ne correspond à « {q} ».",
    choose: "Choisissez le produit",
    stockHeading: "{product} : ici et dans les magasins les plus proches",
    thisStore: "ce magasin",
    level_in_stock: "En stock",
    level_low_stock: "Stock faible",
    level_out_of_stock: "Rupture",
    qty: { one: "{n} disponible", other: "{n} disponibles" },
    reserveHere: "Réserver à {store}",
    formHeading: "Réserver à {store}",
    contactLabel: "Votre téléphone ou e-mail",
    contactHint: "Utilisé seulement pour cette réservation, puis effacé.",
    contactNeeded: "Indiquez un numéro de téléphone ou un e-mail.",
    reserve: "Réserver",
    reserving: "Réservation…",
    back: "Retour",
    startOver: "Recommencer",
    doneTitle: "Réservé : votre code de retrait est {code}",
    doneText: "À {store}, réservé jusqu’au {time}. Présentez le code ou le code QR au comptoir.",
    qrLabel: "Code QR du code de retrait {code}",
    done: "Terminé",
    clears: "Cet écran s’efface dans un instant.",
    failed: "Échec : {message}",
    unreachable: "Le service est injoignable. Réessayez.",
    otherLang: "English",
    otherLangCode: "en",
  },
};

/**
 * Return a translator of the kiosk's words for one language (English for a missing word).
 * @param {"fr" | "en"} lang
 * @returns {(key: string, params?: Record<string, string | number>) => string}
 */
export function kioskTranslator(lang) {
  return (key, params = {}) => {
    let message = KIOSK_MESSAGES[lang]?.[key] ?? KIOSK_MESSAGES.en[key] ?? key;
    if (typeof message === "object") {
      message = message[new Intl.PluralRules(lang).select(Number(params.n ?? 0))] ?? message.other;
    }
    return message.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
  };
}
