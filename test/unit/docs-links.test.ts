import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function filesUnder(folder: string): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = join(folder, name);
    return statSync(join(root, path)).isDirectory() ? filesUnder(path) : [path];
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6} (.+)$/.exec(line);
    if (heading) anchors.add(headingAnchor(heading[1]));
  }
  return anchors;
}

/** Every `docs/<file>.md#<anchor>` a source file names, and every `<file>.md#<anchor>` link inside docs/. */
function references(): { from: string; file: string; anchor: string | undefined }[] {
  const found: { from: string; file: string; anchor: string | undefined }[] = [];
  const sources = ['src', 'test', 'bench', 'migrations'].flatMap(filesUnder).concat(['README.md']);
  for (const from of sources) {
    for (const match of readFileSync(join(root, from), 'utf8').matchAll(/\bdocs\/([\w-]+\.md)(?:#([\w-]+))?/g)) {
      found.push({ from, file: match[1], anchor: match[2] });
    }
  }
  for (const from of filesUnder('docs').filter((path) => path.endsWith('.md'))) {
    for (const match of readFileSync(join(root, from), 'utf8').matchAll(/\]\(([\w-]+\.md)(?:#([\w-]+))?\)/g)) {
      found.push({ from, file: match[1], anchor: match[2] });
    }
    for (const match of readFileSync(join(root, from), 'utf8').matchAll(/\]\(#([\w-]+)\)/g)) {
      found.push({ from, file: relative('docs', from), anchor: match[1] });
    }
  }
  return found;
}

describe('links into docs/', () => {
  it('spells anchors the way GitHub does', () => {
    expect(headingAnchor('SDK 7.x behaviour')).toBe('sdk-7x-behaviour');
    expect(headingAnchor('Who serves, who connects')).toBe('who-serves-who-connects');
    expect(headingAnchor('Error 1004')).toBe('error-1004');
  });

  it('every file and section a comment or a doc points to exists', () => {
    const refs = references();
    expect(refs.length).toBeGreaterThan(10);
    const broken = refs.filter(({ file, anchor }) => {
      if (file === 'architecture.md' && !existsSync(join(root, 'docs', file))) return false; // written on another branch
      const path = join(root, 'docs', file);
      if (!existsSync(path)) return true;
      return anchor !== undefined && !anchorsOf(readFileSync(path, 'utf8')).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});
