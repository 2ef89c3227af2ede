import { describe, expect, it } from '@jest/globals';
import { escapeControlCharacters, findControlCharacter, terminalSafeJson } from '../../src/common/control-characters.js';
import { parseFreeText, parseReason, TEXT_BOUNDS } from '../../src/common/free-text.validation.js';

const HOSTILE = 'ok\u001b[2J\u0007\r\nfake line\u202ereversed\u009b31m\u2066x\u2069';

describe('control characters', () => {
  it('escapes every one of them for a terminal, keeping printable text (accents and emoji included) as it is', () => {
    expect(escapeControlCharacters(HOSTILE)).toBe('ok\\x1b[2J\\x07\\r\\nfake line\\u202ereversed\\x9b31m\\u2066x\\u2069');
    expect(escapeControlCharacters('Café ☕ — 100 % \\ back')).toBe('Café ☕ — 100 % \\ back');
    expect(escapeControlCharacters('a\nb\tc\u007f', { keepLineBreaks: true })).toBe('a\nb\\tc\\x7f');
  });

  it('finds the first one with its position; a multi-line field may hold line feeds and tabs only', () => {
    expect(findControlCharacter('plain text')).toBeUndefined();
    expect(findControlCharacter('ab\u001bc')).toEqual({ character: '\u001b', position: 3 });
    expect(findControlCharacter('é\u202e')).toEqual({ character: '\u202e', position: 2 });
    expect(findControlCharacter('line 1\nline 2\tend', { multiLine: true })).toBeUndefined();
    expect(findControlCharacter('line 1\rline 2', { multiLine: true })).toEqual({ character: '\r', position: 7 });
    expect(findControlCharacter('x\u2028y', { multiLine: true })?.character).toBe('\u2028');
  });

  it('JSON for a terminal escapes what JSON.stringify leaves raw (C1, bidi), and parses back to the same value', () => {
    const value = { text: HOSTILE };
    const json = terminalSafeJson(value);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('free-text fields', () => {
  it('trims, turns blank into null, and keeps a multi-line field\'s line breaks (CR LF becomes LF)', () => {
    expect(parseReason('  Database upgrade  ')).toBe('Database upgrade');
    expect(parseReason('   ')).toBeNull();
    expect(parseReason(undefined)).toBeNull();
    expect(parseFreeText('Back at 14:00.\r\nThanks!', { field: 'reason', label: 'message', max: 100, multiLine: true })).toBe('Back at 14:00.\nThanks!');
  });

  it('refuses a control character, naming it and where it is; a line break outside a multi-line field', () => {
    expect(() => parseReason('upgrade\u001b[31m')).toThrow(
      expect.objectContaining({
        field: 'reason',
        message: 'The reason contains U+001B (ESC, which starts terminal escape sequences) at character 8: it is one line of text, without line breaks, tabs or other control characters.',
      }),
    );
    expect(() => parseReason('one\ntwo')).toThrow(/U\+000A \(line feed\) at character 4/);
    expect(() => parseReason('abc\u202edef')).toThrow(/U\+202E \(right-to-left override\)/);
    expect(() => parseFreeText('a\u0007', { field: 'description', label: 'description', max: 10, multiLine: true })).toThrow(
      /The description contains U\+0007 \(BEL, the terminal bell\) at character 2: line breaks and tabs are the only control characters accepted here/,
    );
  });

  it('refuses text over its bound, naming the bound; the bound counts characters, not bytes', () => {
    expect(parseReason('é'.repeat(TEXT_BOUNDS.reason))).toHaveLength(TEXT_BOUNDS.reason);
    expect(() => parseReason('x'.repeat(TEXT_BOUNDS.reason + 1))).toThrow(
      'The reason is too long (501 characters): at most 500 characters are accepted.',
    );
  });
});
