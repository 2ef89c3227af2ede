/**
 * A `fetch` to hand the SDK in Jest tests (`new Cloudflare({ fetch: realmSafeFetch, ... })`).
 *
 * Under Jest's VM modules the global fetch lives in Node's realm while the SDK runs in the test's realm.
 * An aborted fetch rejects with a DOMException from the other realm, which fails the SDK's
 * `instanceof Error` check and loses its name, so an SDK timeout surfaces as a plain APIConnectionError
 * instead of APIConnectionTimeoutError. Re-throwing such errors as test-realm Errors (name kept) fixes that.
 */
export const realmSafeFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  try {
    return await fetch(input, init);
  } catch (error) {
    if (error instanceof Error) throw error;
    const foreign = error as { name?: unknown; message?: unknown; cause?: unknown };
    const local = new Error(String(foreign.message ?? error), { cause: foreign.cause });
    if (typeof foreign.name === 'string') local.name = foreign.name;
    throw local;
  }
};
