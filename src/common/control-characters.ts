/**
 * Characters that change what a terminal, a log viewer or a browser shows instead of being shown: C0 and C1
 * controls (ESC starts terminal escape sequences, CR rewinds the line, LF forges a new one), DEL, and the
 * Unicode bidirectional controls and line separators that reorder or break text (U+202E reverses it).
 * docs/input-validation.md lists them and where each is refused or escaped.
 */
const ABOVE_C0 = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const CONTROL = new RegExp(`[\\u0000-\\u001f${ABOVE_C0}]`, 'gu');
const SINGLE_LINE_FORBIDDEN = new RegExp(`[\\u0000-\\u001f${ABOVE_C0}]`, 'u');
/** What a multi-line field may not hold: the same set without line feed and tab. */
const MULTI_LINE_FORBIDDEN = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f${ABOVE_C0}]`, 'u');
/** The controls that JSON.stringify leaves as they are (it escapes only U+0000–U+001F). */
const CONTROL_ABOVE_C0 = new RegExp(`[${ABOVE_C0}]`, 'gu');

const NAMES: Record<number, string> = {
  0x00: 'NUL',
  0x07: 'BEL, the terminal bell',
  0x08: 'backspace',
  0x09: 'tab',
  0x0a: 'line feed',
  0x0d: 'carriage return',
  0x1b: 'ESC, which starts terminal escape sequences',
  0x7f: 'DEL',
  0x9b: 'CSI, which starts terminal escape sequences',
  0x202e: 'right-to-left override',
  0x202d: 'left-to-right override',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
};

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

/** "U+001B (ESC, which starts terminal escape sequences)". */
export function describeCharacter(character: string): string {
  const code = character.codePointAt(0)!;
  const name = NAMES[code] ?? (code >= 0x2000 ? 'a bidirectional or line-separating control' : 'a control character');
  return `U+${hex(code, 4)} (${name})`;
}

export interface ControlCharacterFound {
  character: string;
  /** 1-based, counted in characters. */
  position: number;
}

/** The first character a field may not hold; a multi-line field may hold line feeds and tabs. */
export function findControlCharacter(text: string, options: { multiLine?: boolean } = {}): ControlCharacterFound | undefined {
  const pattern = options.multiLine ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN;
  let position = 0;
  for (const character of text) {
    position += 1;
    if (pattern.test(character)) return { character, position };
  }
  return undefined;
}

/**
 * Text made safe to print on a terminal or into a log: every control character becomes a visible escape
 * (`\n`, `\x1b`, `\u202e`). With keepLineBreaks, line feeds are kept, for text whose lines are our own.
 */
export function escapeControlCharacters(text: string, options: { keepLineBreaks?: boolean } = {}): string {
  return text.replace(CONTROL, (character) => {
    if (options.keepLineBreaks && character === '\n') return character;
    const short = SHORT_ESCAPES[character];
    if (short) return short;
    const code = character.codePointAt(0)!;
    return code <= 0xff ? `\\x${hex(code, 2).toLowerCase()}` : `\\u${hex(code, 4).toLowerCase()}`;
  });
}

/** JSON for a terminal: the same value, with the controls JSON leaves raw written as \u escapes (still valid JSON). */
export function terminalSafeJson(value: unknown): string {
  return (JSON.stringify(value, null, 2) ?? 'null').replace(CONTROL_ABOVE_C0, (character) => `\\u${hex(character.codePointAt(0)!, 4).toLowerCase()}`);
}
