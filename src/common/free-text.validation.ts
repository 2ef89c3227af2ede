import { describeCharacter, findControlCharacter } from './control-characters.js';
import { ValidationError } from './errors.js';

/** The bound of every free-text field, in characters (README "Field bounds"). */
export const TEXT_BOUNDS = {
  reason: 500,
  siteName: 200,
  windowTitle: 200,
  windowMessage: 2000,
  windowDescription: 2000,
} as const;

export interface FreeTextField {
  /** The service input's property, for the admin form to show the message beside it. */
  field: string;
  /** How the message names it: "reason", "site name". */
  label: string;
  max: number;
  /** A multi-line field keeps line breaks (CR LF and CR become LF) and tabs; no field takes other controls. */
  multiLine?: boolean;
}

/** Trimmed text within its bound and free of control characters; blank is null. */
export function parseFreeText(raw: string | null | undefined, spec: FreeTextField): string | null {
  const text = (spec.multiLine ? (raw ?? '').replace(/\r\n?/g, '\n') : (raw ?? '')).trim();
  const length = [...text].length;
  if (length > spec.max) {
    throw new ValidationError(`The ${spec.label} is too long (${length} characters): at most ${spec.max} characters are accepted.`, {
      field: spec.field,
    });
  }
  const found = findControlCharacter(text, { multiLine: spec.multiLine });
  if (found) {
    const accepted = spec.multiLine
      ? 'line breaks and tabs are the only control characters accepted here'
      : 'it is one line of text, without line breaks, tabs or other control characters';
    throw new ValidationError(
      `The ${spec.label} contains ${describeCharacter(found.character)} at character ${found.position}: ${accepted}.`,
      { field: spec.field },
    );
  }
  return text || null;
}

/** Why a site went into (or out of) maintenance, kept in the audit log: one line. */
export function parseReason(raw: string | null | undefined): string | null {
  return parseFreeText(raw, { field: 'reason', label: 'reason', max: TEXT_BOUNDS.reason });
}
