import assert from "node:assert/strict";
import { test } from "node:test";

import { MESSAGES, pickLang, supportedLang, t } from "../src/i18n.js";

test("the lang attribute wins, then the page, then the browser, then English", () => {
  assert.equal(pickLang("fr", "en", ["en-US"]), "fr");
  assert.equal(pickLang(null, "fr-FR", ["en-US"]), "fr");
  assert.equal(pickLang("", "", ["de-DE", "fr-CA", "en"]), "fr");
  assert.equal(pickLang("de", "it", ["es"]), "en");
  assert.equal(pickLang(undefined, undefined), "en");
});

test("language tags reduce to their base language", () => {
  assert.equal(supportedLang("EN-gb"), "en");
  assert.equal(supportedLang("fr_BE"), "fr");
  assert.equal(supportedLang("pt-BR"), null);
  assert.equal(supportedLang(""), null);
});

test("plural forms follow each language's rules", () => {
  assert.equal(t("en", "badgeInStock", { n: 1 }), "In stock at 1 store near you");
  assert.equal(t("en", "badgeInStock", { n: 3 }), "In stock at 3 stores near you");
  assert.equal(t("fr", "badgeInStock", { n: 3 }), "En stock dans 3 magasins près de chez vous");
  // French treats 0 and 1 as singular.
  assert.equal(t("fr", "badgeInStock", { n: 0 }), "En stock dans 0 magasin près de chez vous");
});

test("placeholders are filled and unknown keys never throw", () => {
  assert.equal(t("en", "reserveAt", { store: "IKEA Lyon" }), "Reserve at IKEA Lyon");
  assert.equal(t("fr", "no-such-key"), "no-such-key");
  assert.equal(t("en", "reserveAt"), "Reserve at {store}");
});

test("both languages have the same messages", () => {
  assert.deepEqual(Object.keys(MESSAGES.fr).sort(), Object.keys(MESSAGES.en).sort());
  for (const [key, value] of Object.entries(MESSAGES.en)) {
    assert.equal(typeof MESSAGES.fr[key], typeof value, key);
  }
});
