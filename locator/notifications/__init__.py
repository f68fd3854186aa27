"""Notifications: email through SMTP and signed webhooks, sent from one outbox of deliveries.

Every message is first recorded as a delivery (`deliveries.record`, a document with a
deterministic id, created once), then sent by a bounded pool of sender threads
(`pool.SenderPool`) or `locator reservations webhooks deliver`, retried with backoff, every
attempt recorded. Nothing here knows reservations: `locator.reservations.events` turns their
events into deliveries.

Reusable API (e.g. for back-in-stock alerts):

- `deliveries.enqueue_email(es, config, delivery_id=…, tenant=…, to=…, template=…, lang=…,
  context=…)` records "send template `template` to `to`" once per `delivery_id`; the pool sends
  it with retries. `to` and `context` are personal data: they are cleared `purge_days` after the
  delivery ends (`deliveries.purge_personal`).
- `mail.build(...)` + `smtp.send(...)` send one message at once, without the outbox.

Templates: `mail` (bundled under `templates/<lang>/`, overridden by files in `TEMPLATES_DIR`).
"""
