/**
 * TEMPORARY (issue 14): stand-ins for what the "branding" helper delivers under CONTRACT.md, so that this branch
 * compiles before that branch lands. Deleted at merge time: the imports then point at src/maintenance-page/.
 */
export type PageBranding = Record<string, never>;

export function renderMaintenancePage(input: { domain: string; branding: PageBranding; message?: string | null; endsAt: Date | null; language?: string }): string {
  return `<!doctype html><title>${input.domain}</title><p>${input.message ?? ''}</p><p>${input.endsAt?.toISOString() ?? ''}</p>`;
}

export function pageLanguages(_branding: PageBranding): string[] {
  return ['default'];
}
