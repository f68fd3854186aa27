"""Notifications: email through SMTP and signed webhooks, sent from one outbox of deliveries.

Every message is first recorded as a delivery (`deliveries.record`, a document with a
deterministic id, created once), then sent by a bounded pool of sender threads
(`pool.SenderPool`) or `locator reservations webhooks deliver`, retried with backoff, every
attempt recorded. Nothing here knows reservations: `locator.reservations.events` turns their
events into deliveries.

Reusable API (e.g. for back-in-stock alerts):

- `deliveries.enqueue_email(es, config, delivery_id=…, tenant=…, to=…, sender=…, template=…,
  lang=…, context=…, event=…, window=…)` records "send template `template` in `lang` to `to`"
  once per `delivery_id` (derive it from what the message reports, e.g. `f"{alert_id}.instock"`,
  so that recording it again after a crash does nothing); the sender pool sends it with retries,
  every attempt listed with the other deliveries. `sender` is usually
  `mail.sender_address(config.mail_from, tenant.name, tenant.settings.mail_from)`; `window`
  (`windows.DAYTIME` or `windows.STORE_HOURS`) holds it back at night or while a store is
  closed. `to` and `context` are personal data: cleared `purge_days` after the delivery ends
  (`deliveries.purge_personal`, run by the sweeper's purge).
- `mail.build(...)` then `smtp.send(...)` send one message at once, without the outbox.

A new template is a pair of files `<lang>/<name>.txt` (first line: the subject) and
`<lang>/<name>.html` (extending `<lang>/_layout.html`) under `templates/`, in `fr` and `en`.

Templates: `mail` (bundled under `templates/<lang>/`, overridden by files in `TEMPLATES_DIR`).
"""
