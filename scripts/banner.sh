#!/usr/bin/env bash
# Print where the service answers and the demo keys (demo only: never use them in production).
host=$1 port=$2
base="http://$host:$port"
cat <<MSG

Store locator is starting on $base
  API            $base/v1/stores?lat=48.8566&lon=2.3522   (header X-Api-Key)
  API docs       $base/docs   (OpenAPI: $base/openapi.json)
  Demo page      $base/demo
  Store desk     $base/desk   (sign in with the demo store key below)
  Store kiosk    $base/demo/kiosk
  Sent mail      $base/demo/mail   (the demo mail catcher on SMTP port ${MAIL_PORT:-1025})
  Readiness      $base/readyz
  Demo keys      $(.venv/bin/locator demo keys | tr '\n' ' ')
  Demo data: real IKEA store locations (MIT, see demo/ATTRIBUTION.md); products, hours and stock are simulated.

MSG
