import type AdminJS from 'adminjs';
import { ADMIN_JS_TMP_DIR, componentsBundler, generateUserComponentEntry } from 'adminjs/bundler';

/**
 * Bundles the custom components once, before the panel serves anything, into ADMIN_JS_TMP_DIR. AdminJS
 * would otherwise start a file watcher outside production (docs/stack-notes.md#adminjs), or build the bundle while
 * already serving in production, and in development serve whatever stale bundle it finds there.
 */
export async function bundleComponents(admin: AdminJS): Promise<void> {
  await componentsBundler.createEntry({ content: generateUserComponentEntry(admin, ADMIN_JS_TMP_DIR) });
  await componentsBundler.build();
}
