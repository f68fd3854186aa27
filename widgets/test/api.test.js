import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiClient, ApiError, apiBase, idempotencyKey, queryString, round } from "../src/api.js";

/**
 * A fetch stand-in recording requests and answering with `reply(url, init)`.
 * @param {(url: string, init: any) => Promise<Response> | Response} reply
 */
function fakeFetch(reply) {
  const requests = [];
  const fetchImpl = async (url, init) => {
    requests.push({ url, init });
    return reply(url, init);
  };
  return { requests, fetchImpl };
}

test("query strings leave out empty values", () => {
  assert.equal(queryString({ a: 1, b: null, c: undefined, d: "", e: true, q: "Saint-Étienne" }),
    "?a=1&e=true&q=Saint-%C3%89tienne");
  assert.equal(queryString({}), "");
});

test("the API base is the script's origin unless an attribute says otherwise", () => {
  assert.equal(apiBase(null, "https://shop.example/static/locator.js"), "https://shop.example");
  assert.equal(apiBase("https://api.example/", "https://shop.example/static/locator.js"), "https://api.example");
  assert.equal(apiBase("/locator/", "https://shop.example/static/locator.js"), "https://shop.example/locator");
});

test("idempotency keys are unique, with or without randomUUID", () => {
  assert.notEqual(idempotencyKey(), idempotencyKey());
  const key = idempotencyKey({ getRandomValues: (bytes) => bytes.fill(171) });
  assert.equal(key, "ab".repeat(16));
});

test("coordinates are rounded to about a metre", () => {
  assert.equal(round(45.7490612345), 45.74906);
  assert.equal(round("4.84"), 4.84);
});

test("requests carry the key and JSON; availability asks for out-of-stock stores too", async () => {
  const { requests, fetchImpl } = fakeFetch(() => new Response('{"results":[]}', { status: 200 }));
  const client = new ApiClient({ base: "http://api", key: "pk_x", fetchImpl });
  assert.deepEqual(await client.availability({ sku: "S 1", lat: 45.1234567, lon: 4.1, radiusKm: 50 }), { results: [] });
  const { url, init } = requests[0];
  assert.equal(url, "http://api/v1/availability?sku=S+1&lat=45.12346&lon=4.1&radius_km=50&limit=20&include_out_of_stock=true");
  assert.equal(init.headers["X-Api-Key"], "pk_x");
  assert.equal(init.method, "GET");
  assert.equal(init.body, undefined);
  await client.availability({ sku: "S1", lat: 1, lon: 2, radiusKm: 50, countUnmet: false });
  assert.match(requests[1].url, /&count_unmet=false$/);
  requests.splice(1, 1);
  await client.reserve({ store_id: "1" }, "key-1");
  assert.equal(requests[1].init.method, "POST");
  assert.equal(requests[1].init.headers["Idempotency-Key"], "key-1");
  assert.equal(requests[1].init.headers["Content-Type"], "application/json");
  assert.equal(requests[1].init.body, '{"store_id":"1"}');
});

test("a problem answer becomes an http ApiError with its detail", async () => {
  const problem = { type: "about:blank", title: "Conflict", status: 409, detail: "Only 1 left." };
  const { fetchImpl } = fakeFetch(() => new Response(JSON.stringify(problem), {
    status: 409, headers: { "Content-Type": "application/problem+json" },
  }));
  const client = new ApiClient({ base: "http://api", key: "k", fetchImpl });
  await assert.rejects(client.reserve({}, "k"), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.kind, "http");
    assert.equal(error.status, 409);
    assert.equal(error.message, "Only 1 left.");
    assert.deepEqual(error.problem, problem);
    assert.equal(error.retryable, false);
    return true;
  });
});

test("server errors and unreadable bodies are retryable", async () => {
  const { fetchImpl } = fakeFetch(() => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
  const client = new ApiClient({ base: "http://api", key: "k", fetchImpl });
  await assert.rejects(client.geocode("Lyon"), (error) => error.status === 502 && error.retryable && error.message === "Bad Gateway");
});

test("an unreachable server is a network ApiError", async () => {
  const { fetchImpl } = fakeFetch(() => { throw new TypeError("Failed to fetch"); });
  const client = new ApiClient({ base: "http://api", key: "k", fetchImpl });
  await assert.rejects(client.geocode("Lyon"), (error) => error.kind === "network" && error.retryable);
});

test("a request that hangs times out as a network error", async () => {
  const fetchImpl = (_url, init) => new Promise((_resolve, reject) => {
    init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
  });
  const client = new ApiClient({ base: "http://api", key: "k", fetchImpl, timeoutMs: 5 });
  await assert.rejects(client.geocode("Lyon"), (error) => error.kind === "network");
});

test("a request aborted by the caller is not turned into an error to show", async () => {
  const fetchImpl = (_url, init) => new Promise((_resolve, reject) => {
    init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
  });
  const client = new ApiClient({ base: "http://api", key: "k", fetchImpl });
  const controller = new AbortController();
  const pending = client.geocode("Lyon", null, controller.signal);
  controller.abort();
  await assert.rejects(pending, (error) => error.name === "AbortError");
});
