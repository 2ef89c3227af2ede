import { readFile, stat } from 'node:fs/promises';
import { ValidationError } from '../common/errors.js';
import type { BrandingChanges } from '../maintenance-page/branding-changes.js';
import { BRANDING_BOUNDS, BRANDING_INPUTS } from '../maintenance-page/branding.js';

/** The branding flags of `sites update` (--page-…) and `page-default set`, by what they set. */
export interface BrandingFlags {
  title?: string;
  message?: string;
  logoUrl?: string;
  contactUrl?: string;
  primaryColor?: string;
  backgroundColor?: string;
  textColor?: string;
  /** A file to read, or false to remove the template. */
  template?: string | false;
  language?: string;
  removeLanguage?: string;
  reset?: boolean;
}

/** A template file is read whole; anything this large cannot be a template within the bound anyway. */
const MAX_TEMPLATE_FILE_BYTES = BRANDING_BOUNDS.template * 4;

async function readTemplate(path: string): Promise<string> {
  const refuse = (why: string) => new ValidationError(`Cannot read the page template "${path}": ${why}.`, { field: BRANDING_INPUTS.template });
  try {
    if ((await stat(path)).size > MAX_TEMPLATE_FILE_BYTES) throw refuse(`it is larger than ${MAX_TEMPLATE_FILE_BYTES} bytes`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw refuse((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message);
  }
}

/**
 * The edit the flags ask for, undefined when they ask for none. With a language, the title and the message
 * go to that language's translation. `flag` names a flag as the command spells it, for the messages.
 */
export async function brandingChanges(flags: BrandingFlags, flag: (name: string) => string): Promise<BrandingChanges | undefined> {
  const { title, message, language, removeLanguage, template, reset, ...fields } = flags;
  if (language !== undefined && title === undefined && message === undefined) {
    throw new ValidationError(`${flag('language')} names the translation that ${flag('title')} and ${flag('message')} set; give one of them with it.`, {
      field: BRANDING_INPUTS.translations,
    });
  }
  if (language !== undefined && language === removeLanguage) {
    throw new ValidationError(`${flag('language')} and ${flag('remove-language')} name the same language; give one.`, { field: BRANDING_INPUTS.translations });
  }
  const changes: BrandingChanges = { ...fields, reset };
  if (language === undefined) Object.assign(changes, { title, message });
  if (language !== undefined || removeLanguage !== undefined) {
    changes.translations = {
      ...(removeLanguage === undefined ? {} : { [removeLanguage]: null }),
      ...(language === undefined ? {} : { [language]: { title, message } }),
    };
  }
  if (template !== undefined) changes.template = template === false ? null : await readTemplate(template);
  const given = Object.values(changes).some((value) => value !== undefined);
  return given ? changes : undefined;
}
