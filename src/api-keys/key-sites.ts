/**
 * What the key service needs to know of the sites that name a key. The sites module, which sits above
 * this one, provides it (KeySitesModule), so that cloudflare_sites keeps its one owner.
 */
export interface KeySites {
  countUsingKey(apiKeyId: string): Promise<number>;
}

export const KEY_SITES = Symbol('KEY_SITES');
