import { describe, expect, it } from '@jest/globals';
import { domainToASCII } from 'node:url';
import { cliSuite, refusedWithoutWrites } from '../support/cli-suite.js';
import { runCli } from '../support/run-cli.js';

const suite = cliSuite({ defaultKey: true });

async function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { env: { ...suite.env, ...env } });
}

function refused(args: string[], message: RegExp, env: Record<string, string> = {}) {
  return refusedWithoutWrites(suite, args, message, env);
}

function zone(domain: string) {
  return suite.fake.addZone({ name: domainToASCII(domain) });
}

describe('a maintenance URL that the site\'s own rules catch is refused before anything is written', () => {
  it('sites add: all subdomains covered (the apex and any subdomain), upper case and a trailing dot too', async () => {
    zone('shop-loop.test');
    await refused(
      ['sites', 'add', 'shop-loop.test', '--maintenance-url', 'https://status.shop-loop.test/maintenance'],
      /^Error: The maintenance URL https:\/\/status\.shop-loop\.test\/maintenance is on status\.shop-loop\.test, which shop-loop\.test's own maintenance rule \*shop-loop\.test\/\* catches: visitors would be redirected to it again and again/,
    );
    await refused(['sites', 'add', 'shop-loop.test', '--maintenance-url', 'https://Shop-Loop.TEST./down'], /is on shop-loop\.test, which .* rule \*shop-loop\.test\/\* catches/);
  });

  it('sites add: only listed subdomains covered, the apex and a listed one are caught, another is not', async () => {
    await refused(
      ['sites', 'add', 'shop-loop.test', '--subdomains', 'www,api', '--maintenance-url', 'https://WWW.shop-loop.test./down'],
      /is on www\.shop-loop\.test, which shop-loop\.test's own maintenance rule www\.shop-loop\.test\/\* catches/,
    );
    await refused(['sites', 'add', 'shop-loop.test', '--subdomains', 'www', '--maintenance-url', 'http://shop-loop.test:8080/down'], /rule shop-loop\.test\/\* catches/);
    const added = await cli(['sites', 'add', 'shop-loop.test', '--subdomains', 'www,api', '--maintenance-url', 'https://status.shop-loop.test/maintenance']);
    expect(added.code).toBe(0);
  });

  it('sites update: a coverage or URL change that would catch the URL', async () => {
    await refused(['sites', 'update', 'shop-loop.test', '--all-subdomains'], /https:\/\/status\.shop-loop\.test\/maintenance is on status\.shop-loop\.test, which .* rule \*shop-loop\.test\/\* catches/);
    await refused(['sites', 'update', 'shop-loop.test', '--subdomains', 'www,status'], /rule status\.shop-loop\.test\/\* catches/);
    await refused(['sites', 'update', 'shop-loop.test', '--maintenance-url', 'https://api.shop-loop.test/'], /rule api\.shop-loop\.test\/\* catches/);
    expect((await cli(['sites', 'update', 'shop-loop.test', '--name', 'Shop'])).code).toBe(0);
  });

  it('an internationalised domain, given in Unicode, against a URL in punycode', async () => {
    zone('bücher-loop.test');
    const punycode = domainToASCII('bücher-loop.test');
    await refused(['sites', 'add', 'bücher-loop.test', '--maintenance-url', `https://status.${punycode}/`], new RegExp(`rule \\*${punycode}/\\* catches`));
    await refused(['sites', 'add', punycode, '--maintenance-url', 'https://status.bücher-loop.test/'], new RegExp(`is on status\\.${punycode}, which`));
  });

  it('the default page under PUBLIC_URL, on a host that the site covers', async () => {
    zone('public-loop.test');
    const env = { PUBLIC_URL: 'https://maintenance.public-loop.test' };
    await refused(
      ['sites', 'add', 'public-loop.test'],
      /^Error: The default maintenance page under PUBLIC_URL \(https:\/\/maintenance\.public-loop\.test\) is on maintenance\.public-loop\.test, which public-loop\.test's own maintenance rule \*public-loop\.test\/\* catches/,
      env,
    );
    expect((await cli(['sites', 'add', 'public-loop.test', '--subdomains', 'www'], env)).code).toBe(0);
    await refused(['sites', 'update', 'public-loop.test', '--subdomains', 'www,maintenance'], /rule maintenance\.public-loop\.test\/\* catches/, env);
    await refused(['sites', 'update', 'public-loop.test', '--all-subdomains'], /default maintenance page under PUBLIC_URL/, env);
  });

  it('enable refuses a site stored with such settings (by an older version), before any audit row or rule', async () => {
    const enableZone = zone('enable-loop.test');
    expect((await cli(['sites', 'add', 'enable-loop.test'])).code).toBe(0);
    await suite.db.dataSource.query(`UPDATE cloudflare_sites SET maintenance_url = 'https://status.enable-loop.test/' WHERE domain = 'enable-loop.test'`);
    await refused(['enable', 'enable-loop.test'], /^Error: enable-loop\.test cannot be put into maintenance without a redirect loop\. The maintenance URL https:\/\/status\.enable-loop\.test\/ is on status\.enable-loop\.test, which .* rule \*enable-loop\.test\/\* catches/);
    const json = await cli(['enable', 'enable-loop.test', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { kind: 'validation', message: expect.stringMatching(/rule \*enable-loop\.test\/\* catches/) } });
    expect(suite.fake.pageRules(enableZone.id)).toEqual([]);

    const planned = await cli(['enable', 'enable-loop.test', 'shop-loop.test', '--dry-run']);
    expect(planned.code).toBe(1);
    expect(planned.stdout).toMatch(/enable-loop\.test: would fail: it cannot be put into maintenance without a redirect loop\. The maintenance URL https:\/\/status\.enable-loop\.test\/ is on/);
  });
});

describe('"$" followed by a digit in a maintenance URL (Page Rules replace $1…$N with wildcard matches)', () => {
  it('is refused in sites add and sites update; %24 (a literal dollar sign) is accepted', async () => {
    zone('dollar.test');
    await refused(
      ['sites', 'add', 'dollar.test', '--maintenance-url', 'https://status.example.org/down?from=$3'],
      /^Error: Invalid maintenance URL "https:\/\/status\.example\.org\/down\?from=\$3": Cloudflare replaces "\$3" in a forwarding URL with a wildcard match of the rule's pattern/,
    );
    await refused(['sites', 'add', 'dollar.test', '--maintenance-url', 'https://$2/'], /Cloudflare replaces "\$2"/);
    expect((await cli(['sites', 'add', 'dollar.test', '--maintenance-url', 'https://status.example.org/down?price=%241'])).code).toBe(0);
    await refused(['sites', 'update', 'dollar.test', '--maintenance-url', 'https://status.example.org/$1/down'], /Cloudflare replaces "\$1"/);
  });
});
