"""Back-in-stock alerts, the data side: creation with double opt-in, storage, expiry, matching.

Sending (the confirmation email, the back-in-stock email) is the notifications outbox's job: this
package hands it what to send through `delivery.AlertMailer` and never sends anything itself.
"""
