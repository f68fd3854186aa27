// The landing page of the links in alert emails: /alerts/confirm and /alerts/cancel, the token
// in the fragment (never sent to a server but through the POST below). It asks for a click
// before posting, so that mail scanners opening links confirm or cancel nothing.
const TEXT = {
  fr: {
    confirm: { title: "Confirmer votre alerte", lead: "Vous serez prévenu(e) par courriel dès que le produit sera de nouveau disponible.", button: "Confirmer mon alerte", done: "C'est confirmé : nous vous écrirons dès que le produit sera de retour." },
    cancel: { title: "Annuler votre alerte", lead: "Vous ne recevrez plus de courriel au sujet de ce produit.", button: "Annuler mon alerte", done: "Votre alerte est annulée et votre adresse effacée." },
    ended: "Cette alerte est déjà terminée : aucun autre courriel ne vous sera envoyé.",
    unknown: "Ce lien n'est plus valable : une alerte plus récente l'a peut-être remplacé.",
    failed: "Une erreur est survenue. Réessayez dans un instant.",
    missing: "Ce lien est incomplet : ouvrez-le de nouveau depuis le courriel.",
  },
  en: {
    confirm: { title: "Confirm your alert", lead: "We will email you as soon as the product is back in stock.", button: "Confirm my alert", done: "Confirmed: we will email you as soon as the product is back." },
    cancel: { title: "Cancel your alert", lead: "You will get no more emails about this product.", button: "Cancel my alert", done: "Your alert is cancelled and your address deleted." },
    ended: "This alert has ended already: no other email will be sent to you.",
    unknown: "This link is no longer valid: a newer alert may have replaced it.",
    failed: "Something went wrong. Please try again in a moment.",
    missing: "This link is incomplete: open it again from the email.",
  },
};

const params = new URLSearchParams(location.search);
const lang = params.get("lang") === "en" ? "en" : "fr";
const action = location.pathname.endsWith("/cancel") ? "cancel" : "confirm";
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const text = TEXT[lang];
const [title, lead, button, result] = ["title", "lead", "go", "result"].map((id) => document.getElementById(id));

document.documentElement.lang = lang;
document.title = text[action].title;
title.textContent = text[action].title;
if (!token) {
  result.textContent = text.missing;
} else {
  lead.textContent = text[action].lead;
  button.textContent = text[action].button;
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const answer = await fetch(`/v1/alerts/${action}`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }),
      });
      result.textContent = answer.ok ? text[action].done
        : answer.status === 409 ? text.ended : answer.status === 404 || answer.status === 401 ? text.unknown : text.failed;
      if (answer.ok || answer.status === 409) button.hidden = true;
      else button.disabled = false;
    } catch {
      result.textContent = text.failed;
      button.disabled = false;
    }
  });
}
