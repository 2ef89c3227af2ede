// AdminJS exports its bundler as `adminjs/bundler` without type declarations; these are the parts we use.
declare module 'adminjs/bundler' {
  import type AdminJS from 'adminjs';

  /** ADMIN_JS_TMP_DIR as it was when AdminJS was first imported. */
  export const ADMIN_JS_TMP_DIR: string;
  export const componentsBundler: {
    createEntry(options: { content: string }): Promise<void>;
    build(): Promise<void>;
  };
  export function generateUserComponentEntry(admin: AdminJS, entryPath: string): string;
}
