import { Box, Button, H2, Loader, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, useNotice } from 'adminjs';
import React, { useEffect, useState } from 'react';
import type { PageDefaultRefusal, PageDefaultView } from '../pages/page-default.page.js';
import PageField from './page-field.js';
import PagePreview from './page-preview.js';

const PAGE_URL = () => `${ApiClient.getBaseUrl()}/api/pages/pageDefault`;

/**
 * The global default branding of the maintenance pages (pages/page-default.page.ts): the site form's fields and
 * live preview, loaded with the saved default, saved whole. A refused field is named beside it and nothing is saved.
 */
const PageDefaultForm: React.FC = () => {
  const addNotice = useNotice();
  const [view, setView] = useState<PageDefaultView | null>(null);
  const [params, setParams] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<PageDefaultRefusal['errors']>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const shown = (loaded: PageDefaultView) => {
    setView(loaded);
    setParams(loaded.params);
    setErrors({});
  };

  useEffect(() => {
    fetch(PAGE_URL(), { credentials: 'same-origin' })
      .then(async (response) => {
        const answer = await response.json();
        if (response.ok) shown(answer as PageDefaultView);
        else setFailure((answer as { message?: string }).message ?? `The default could not be loaded (HTTP ${response.status}).`);
      })
      .catch(() => setFailure('The default could not be loaded: the server did not answer.'));
  }, []);

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setSaving(true);
    try {
      const response = await fetch(PAGE_URL(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(params),
      });
      const answer = (await response.json()) as PageDefaultView & PageDefaultRefusal;
      if (response.ok) {
        shown(answer);
        if (answer.notice) addNotice(answer.notice);
      } else {
        setErrors(answer.errors ?? {});
        addNotice({ message: answer.message ?? `Not saved (HTTP ${response.status}).`, type: 'error' });
      }
    } catch {
      addNotice({ message: 'Not saved: the server did not answer.', type: 'error' });
    } finally {
      setSaving(false);
    }
  };

  if (failure) return <MessageBox m="xl" variant="danger" message={failure} />;
  if (!view) return <Loader />;
  return (
    <Box variant="container" m="xl" as="form" onSubmit={save} data-testid="page-default-form">
      <H2>Default maintenance page</H2>
      <Text mb="xl">
        What every site's maintenance page shows where the site sets nothing of its own; a site's branding (its edit form) wins field by field.
      </Text>
      {view.readOnlyReason ? <MessageBox mb="xl" variant="info" message={view.readOnlyReason} /> : null}
      {view.fields.map((field) => (
        <PageField
          key={field.path}
          property={{ ...field, isDisabled: !view.canEdit }}
          record={{ params, errors }}
          onChange={(path, value) => setParams((current) => ({ ...current, [path]: value }))}
        />
      ))}
      <PagePreview property={{ label: 'Maintenance page preview', custom: { of: 'default' } }} record={{ params }} />
      {view.canEdit ? (
        <Button type="submit" variant="contained" disabled={saving}>
          Save
        </Button>
      ) : null}
    </Box>
  );
};

export default PageDefaultForm;
