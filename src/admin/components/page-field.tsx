import { FormGroup, FormMessage, Input, Label, Text } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';
import React from 'react';

/** What the field reads of AdminJS's property props; the default's page (page-default-form.tsx) gives the same. */
export interface PageFieldProps {
  property: Pick<BasePropertyProps['property'], 'path' | 'label' | 'type' | 'description' | 'isDisabled'>;
  record?: { params?: Record<string, unknown>; errors?: Record<string, { message?: string } | undefined> };
  onChange?: (path: string, value: string) => void;
}

/**
 * A branding field of the site form and of the default's page. AdminJS's own text inputs hand their value to
 * the form only when they lose focus; these hand it over at each keystroke, so that the live preview follows
 * the typing.
 */
const PageField: React.FC<PageFieldProps> = ({ property, record, onChange }) => {
  const value = String(record?.params?.[property.path] ?? '');
  const error = record?.errors?.[property.path];
  const multiLine = property.type === 'textarea';
  const change = (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange?.(property.path, event.target.value);
  return (
    <FormGroup error={Boolean(error)}>
      <Label htmlFor={property.path}>{property.label}</Label>
      <Input
        as={multiLine ? 'textarea' : 'input'}
        rows={multiLine ? Math.min(20, Math.max(3, value.split('\n').length + 1)) : undefined}
        id={property.path}
        name={property.path}
        width={1}
        autoComplete="off"
        spellCheck={!multiLine || property.path !== 'pageTemplate'}
        value={value}
        disabled={property.isDisabled}
        onChange={change}
      />
      <FormMessage>{error?.message}</FormMessage>
      {property.description ? <Text variant="sm" mt="sm">{property.description}</Text> : null}
    </FormGroup>
  );
};

export default PageField;
