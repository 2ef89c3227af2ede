import { Box, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';
import React, { useEffect, useState } from 'react';

/** The form's branding properties (actions/page-branding-form.ts), sent as typed. */
const FIELDS = ['pageTitle', 'pageMessage', 'pageLogoUrl', 'pagePrimaryColor', 'pageBackgroundColor', 'pageTextColor', 'pageContactUrl', 'pageTemplate', 'pageTranslations'];
const TYPING_PAUSE_MS = 300;

/**
 * The maintenance page as the fields above it describe it, re-rendered by the server's own renderer
 * (POST /admin/api/page-preview) a moment after each change, shown in a sandboxed frame that runs nothing.
 * A field the server refuses is named under the preview, which keeps the last page it could render.
 */
export interface PagePreviewProps {
  property: { label: string; custom?: { of?: 'site' | 'default' } };
  record?: { params?: Record<string, unknown> };
}

const PagePreview: React.FC<PagePreviewProps> = ({ record, property }) => {
  const params = record?.params ?? {};
  const body = JSON.stringify({
    domain: params.domain,
    name: params.name,
    of: property.custom?.of ?? 'site',
    ...Object.fromEntries(FIELDS.map((field) => [field, params[field] ?? ''])),
  });
  const [html, setHtml] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(async () => {
      const response = await fetch(`${ApiClient.getBaseUrl()}/api/page-preview`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body,
      });
      const answer = (await response.json()) as { html?: string; message?: string };
      if (!current) return;
      if (response.ok && answer.html !== undefined) {
        setHtml(answer.html);
        setError(null);
      } else {
        setError(answer.message ?? `The preview failed (HTTP ${response.status}).`);
      }
    }, TYPING_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [body]);

  return (
    <Box mb="xl">
      <Label>{property.label}</Label>
      <Text variant="sm" mb="sm">
        As visitors will see it, with an example end two hours from now.
      </Text>
      <iframe
        data-testid="page-preview"
        title="Maintenance page preview"
        sandbox=""
        srcDoc={html}
        style={{ width: '100%', height: '30rem', border: '1px solid #c0c0ca', borderRadius: 4, background: '#fff' }}
      />
      {error ? <MessageBox data-testid="page-preview-error" mt="sm" variant="danger" message={error} /> : null}
    </Box>
  );
};

export default PagePreview;
