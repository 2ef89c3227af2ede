import { beforeAll, describe, expect, it } from '@jest/globals';
import { escapeControlCharacters } from '../../src/common/control-characters.js';
import { cliSuite } from '../support/cli-suite.js';
import { runCli } from '../support/run-cli.js';

const suite = cliSuite({ defaultKey: true });

async function cli(args: string[]) {
  return runCli(args, { env: suite.env });
}

/** What an attacker would store: a screen wipe, the bell, a forged log line, reversed text and a C1 CSI. */
const HOSTILE = 'Legit\u001b[2J\u0007\r\n[Nest] 1 - 12/01/2026 LOG forged\u202edesrever\u009b31m';
const ESCAPED = escapeControlCharacters(HOSTILE);
/** Any control character but the line feeds of our own layout. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

async function givenCliSite(domain: string) {
  suite.fake.addZone({ name: domain });
  expect((await cli(['sites', 'add', domain])).code).toBe(0);
}

beforeAll(async () => {
  await givenCliSite('free-text.com');
});

const WINDOW = ['schedule', 'add', '--sites', 'free-text.com', '--start', '2031-06-01T02:00Z', '--duration', '60'];

describe('free text from the CLI: control characters and bounds are refused with exit code 2, nothing written', () => {
  const refused: [string, () => string[], RegExp][] = [
    ['an ESC in an enable reason', () => ['enable', 'free-text.com', '--reason', 'upgrade\u001b[31m'], /The reason contains U\+001B \(ESC, which starts terminal escape sequences\) at character 8/],
    ['a line break in an enable reason', () => ['enable', 'free-text.com', '--reason', 'one\r\ntwo'], /The reason contains U\+000D \(carriage return\) at character 4: it is one line of text/],
    ['a reason over 500 characters', () => ['enable', 'free-text.com', '--reason', 'x'.repeat(501)], /The reason is too long \(501 characters\): at most 500 characters are accepted/],
    ['a bulk enable with a BEL in its reason', () => ['enable', '--all', '--reason', 'ding\u0007'], /The reason contains U\+0007 \(BEL, the terminal bell\)/],
    ['a right-to-left override in a site name', () => ['sites', 'add', 'other-name.com', '--name', 'Shop\u202etxt.exe'], /The site name contains U\+202E \(right-to-left override\) at character 5/],
    ['a site name over 200 characters', () => ['sites', 'update', 'free-text.com', '--name', 'n'.repeat(201)], /The site name is too long \(201 characters\): at most 200/],
    ['a line feed in a site name', () => ['sites', 'update', 'free-text.com', '--name', 'Shop\nfake line'], /The site name contains U\+000A \(line feed\)/],
    ['a line break in a window title', () => [...WINDOW, '--title', 'Upgrade\r\n[Nest] LOG forged'], /The title contains U\+000D \(carriage return\) at character 8/],
    ['a window title over 200 characters', () => [...WINDOW, '--title', 't'.repeat(201)], /The title is too long \(201 characters\): at most 200/],
    ['an ESC in a window message', () => [...WINDOW, '--title', 'Upgrade', '--reason', 'Back soon\u001b]0;pwned\u0007'], /The message contains U\+001B .* at character 10: line breaks and tabs are the only control characters accepted here/],
    ['a window message over 2000 characters', () => [...WINDOW, '--title', 'Upgrade', '--reason', 'm'.repeat(2001)], /The message is too long \(2001 characters\): at most 2000/],
    ['a C1 control in a window description', () => [...WINDOW, '--title', 'Upgrade', '--description', 'notes\u009b2J'], /The description contains U\+009B \(CSI/],
    ['a window description over 2000 characters', () => [...WINDOW, '--title', 'Upgrade', '--description', 'd'.repeat(2001)], /The description is too long \(2001 characters\): at most 2000/],
  ];

  it.each(refused)('%s', async (_case, args, message) => {
    const before = await suite.db.snapshot();
    const result = await cli(args());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    expect(await suite.db.snapshot()).toEqual(before);
    expect(suite.fake.pageRules(suite.fake.zones().find((zone) => zone.name === 'free-text.com')!.id)).toEqual([]);
  });

  it('with --json, the refusal is {"error": …} on stdout', async () => {
    const result = await cli(['enable', 'free-text.com', '--reason', 'upgrade\u001b[31m', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: { kind: 'validation', message: expect.stringMatching(/^The reason contains U\+001B/) } });
  });

  it('accepts line breaks where a field is multi-line (a window\'s message and description), and bounds at the limit', async () => {
    const added = await cli([...WINDOW, '--title', 't'.repeat(200), '--reason', 'Back at 14:00.\r\nThank you!', '--description', 'a\n\tb', '--json']);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ reason: 'Back at 14:00.\nThank you!', description: 'a\n\tb' });
    expect((await cli(['enable', 'free-text.com', '--reason', 'é'.repeat(500)])).code).toBe(0);
  });
});

describe('stored text holding control characters (as an older version let in) is printed escaped', () => {
  it('by list, sites list, status, schedule list and schedule show; --json keeps the value, escaping what JSON leaves raw', async () => {
    const added = await cli([...WINDOW, '--title', 'Plain title', '--json']);
    const windowId = JSON.parse(added.stdout).id as string;
    await suite.db.dataSource.query(`UPDATE cloudflare_sites SET name = $1::text, maintenance_reason = $1::text WHERE domain = 'free-text.com'`, [HOSTILE]);
    await suite.db.dataSource.query(`UPDATE scheduled_maintenances SET title = $1::text, reason = $1::text, last_error = $1::text WHERE id = $2`, [HOSTILE, windowId]);

    for (const args of [['list'], ['sites', 'list'], ['status'], ['status', 'free-text.com'], ['schedule', 'list'], ['schedule', 'show', windowId]]) {
      const printed = await cli(args);
      expect({ args, code: printed.code }).toEqual({ args, code: 0 });
      expect(printed.stdout).not.toMatch(RAW_CONTROL);
      expect(printed.stdout).toContain(ESCAPED);
      // The forged record never starts a line of its own.
      expect(printed.stdout).not.toMatch(/^\[Nest\]/m);
    }

    const json = await cli(['sites', 'list', '--json']);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ domain: 'free-text.com', name: HOSTILE })]));
  });

  it('a huge stored reason is cut in the table (--json has all of it)', async () => {
    await suite.db.dataSource.query(`UPDATE cloudflare_sites SET maintenance_reason = $1 WHERE domain = 'free-text.com'`, ['r'.repeat(120_000)]);
    const printed = await cli(['list']);
    expect(printed.code).toBe(0);
    expect(printed.stdout.length).toBeLessThan(20_000);
    expect(printed.stdout).toContain(`${'r'.repeat(2047)}…`);
    expect(JSON.parse((await cli(['list', '--json'])).stdout)[0].reason).toHaveLength(120_000);
  });
});
