import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_USER, adminSuite } from '../support/admin-suite.js';

// The server's own temp folder: everything in it is the server's doing.
const TMPDIR = mkdtempSync(join(tmpdir(), 'cfm-uploads-'));
afterAll(() => rmSync(TMPDIR, { recursive: true, force: true }));
const suite = adminSuite({ env: { TMPDIR } });

/** Every file and folder under TMPDIR, recursively (the panel's component bundle lives there from the start). */
function tempEntries(): string[] {
  return (readdirSync(TMPDIR, { recursive: true }) as string[]).sort();
}

function formWithFiles(fileCount: number, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (let index = 0; index < fileCount; index += 1) {
    // Empty parts too: the old parser's size limit never saw them.
    form.append(`file${index}`, new Blob(index % 2 ? ['some bytes'] : []), `part-${index}.txt`);
  }
  return form;
}

describe('uploads to the admin panel', () => {
  it('leaves no file in the temp folder, with or without a session, and refuses file parts with 400', async () => {
    const before = tempEntries();
    expect(before.length).toBeGreaterThan(0);
    const anonymous = suite.anonymous();

    const answers = [
      await anonymous.request('/admin/anything', { method: 'POST', body: formWithFiles(200) }),
      await anonymous.request('/admin/login', { method: 'POST', body: formWithFiles(3, { email: ADMIN_USER.email, password: 'x' }) }),
      await suite.client.request('/admin/api/resources/CloudflareSite/actions/new', {
        method: 'POST',
        body: formWithFiles(5, { domain: 'uploaded.com' }),
      }),
      await suite.client.request('/admin/api/resources/CloudflareSite/actions/list', {
        method: 'POST',
        body: 'raw bytes',
        headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'raw.bin' },
      }),
    ];

    expect(tempEntries()).toEqual(before);
    expect(answers.map(({ status, text }) => ({ status, text }))).toEqual([
      { status: 400, text: JSON.stringify({ statusCode: 400, message: 'File uploads are not accepted: no form of the panel has one.' }) },
      { status: 400, text: JSON.stringify({ statusCode: 400, message: 'File uploads are not accepted: no form of the panel has one.' }) },
      { status: 400, text: JSON.stringify({ statusCode: 400, message: 'File uploads are not accepted: no form of the panel has one.' }) },
      {
        status: 415,
        text: JSON.stringify({ statusCode: 415, message: 'Unsupported request body: send JSON, an urlencoded form or a multipart form without files.' }),
      },
    ]);
    expect(await suite.db.dataSource.query(`SELECT domain FROM cloudflare_sites WHERE domain = 'uploaded.com'`)).toEqual([]);
  });

  it('still reads a multipart form without files (the panel sends its record forms that way)', async () => {
    const client = suite.anonymous();
    const form = new FormData();
    form.append('email', ADMIN_USER.email);
    form.append('password', ADMIN_USER.password);

    const login = await client.request('/admin/login', { method: 'POST', body: form, headers: { 'x-forwarded-for': '198.51.100.40' } });

    expect(login.status).toBe(302);
    expect((await client.request('/admin/api/resources/CloudflareSite/actions/list')).status).toBe(200);
    expect(tempEntries().filter((entry) => entry.startsWith('upload_'))).toEqual([]);
  });
});
