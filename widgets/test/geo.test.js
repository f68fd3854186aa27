import assert from "node:assert/strict";
import { test } from "node:test";

import { GeoError, locate, reasonForCode } from "../src/geo.js";

/**
 * A stand-in for navigator.geolocation that answers as told.
 * @param {(ok: Function, fail: Function, options: any) => void} behaviour
 */
function fakeGeolocation(behaviour) {
  const calls = [];
  return {
    calls,
    getCurrentPosition(ok, fail, options) {
      calls.push(options);
      behaviour(ok, fail, options);
    },
  };
}

test("a position is returned as lat/lon", async () => {
  const geolocation = fakeGeolocation((ok) => ok({ coords: { latitude: 45.76, longitude: 4.84, accuracy: 30 } }));
  assert.deepEqual(await locate({ geolocation, secure: true }), { lat: 45.76, lon: 4.84, accuracy: 30 });
  assert.equal(geolocation.calls[0].timeout, 10000);
});

test("each failure is named", async () => {
  for (const [code, reason] of [[1, "denied"], [2, "unavailable"], [3, "timeout"]]) {
    const geolocation = fakeGeolocation((_ok, fail) => fail({ code, message: "no" }));
    await assert.rejects(locate({ geolocation, secure: true }), (error) => error instanceof GeoError && error.reason === reason);
  }
  assert.equal(reasonForCode(99), "unavailable");
});

test("an insecure page is told apart from a refusal, without asking the browser", async () => {
  const geolocation = fakeGeolocation(() => assert.fail("must not be asked"));
  await assert.rejects(locate({ geolocation, secure: false }), { reason: "insecure" });
  assert.equal(geolocation.calls.length, 0);
});

test("no geolocation at all is 'unsupported'", async () => {
  await assert.rejects(locate({ geolocation: undefined, secure: true }), { reason: "unsupported" });
});

test("a browser that never answers times out", async () => {
  const geolocation = fakeGeolocation(() => {});
  await assert.rejects(locate({ geolocation, secure: true, timeoutMs: 1 }), { reason: "timeout" });
});

test("a throwing implementation is 'unavailable'", async () => {
  const geolocation = fakeGeolocation(() => { throw new Error("boom"); });
  await assert.rejects(locate({ geolocation, secure: true }), { reason: "unavailable" });
});
