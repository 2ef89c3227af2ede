import { describe, expect, it } from '@jest/globals';
import * as sdk from 'cloudflare';
import { redactUrls, toCloudflareApiError } from '../../src/cloudflare/error-mapping.js';

describe('URLs in Cloudflare error messages', () => {
  it('are cut down to origin and path: no credentials, query or fragment', () => {
    expect(redactUrls('GET http://u:PW@127.0.0.1:8080/client/v4/zones?token=abc#frag failed')).toBe(
      'GET http://127.0.0.1:8080/client/v4/zones failed',
    );
    expect(redactUrls('see https://api.cloudflare.com/client/v4/zones/123/pagerules.')).toBe(
      'see https://api.cloudflare.com/client/v4/zones/123/pagerules.',
    );
    expect(redactUrls('no URL here: just text')).toBe('no URL here: just text');
  });

  it('a connection error naming the base URL with its credentials keeps neither user nor password', () => {
    // What the SDK throws when fetch refuses a URL with credentials (seen with CLOUDFLARE_API_BASE_URL=http://u:PW@…).
    const cause = new TypeError('Request cannot be constructed from a URL that includes credentials: http://u:PW-0123@127.0.0.1:1/client/v4/zones');
    const error = toCloudflareApiError(new sdk.APIConnectionError({ cause }), 'list zones', 'cf-token-0123456789', sdk);
    expect(error.message).toBe(
      'Could not reach Cloudflare to list zones: Request cannot be constructed from a URL that includes credentials: http://127.0.0.1:1/client/v4/zones',
    );
    expect(error.message).not.toMatch(/PW-0123|u:/);
  });
});
