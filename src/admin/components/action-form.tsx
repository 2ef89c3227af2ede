import {
  Box,
  Button,
  DrawerContent,
  DrawerFooter,
  FormGroup,
  Icon,
  Input,
  Label,
  MessageBox,
  Text,
  TextArea,
} from '@adminjs/design-system';
import { ActionHeader, type ActionProps, ApiClient, useActionResponseHandler } from 'adminjs';
import React, { useState } from 'react';
import type { ActionForm as ActionFormOptions } from '../actions/action-kit.js';

const api = new ApiClient();
const NAMED = 10;

function describeTargets(titles: string[]): string {
  if (titles.length <= 1) return titles[0] ?? '';
  const more = titles.length > NAMED ? ` and ${titles.length - NAMED} more` : '';
  return `${titles.length} selected: ${titles.slice(0, NAMED).join(', ')}${more}`;
}

/**
 * The confirmation step of every action that changes something, for one record, a selection or the whole
 * resource: it names the records concerned, asks for the inputs the action needs, and POSTs. The
 * server performs nothing on the GET that opened this form.
 */
const ActionForm: React.FC<ActionProps> = (props) => {
  const { action, resource, record, records } = props;
  const options = action.custom as ActionFormOptions;
  const inputs = options.inputs ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [running, setRunning] = useState(false);
  const handleResponse = useActionResponseHandler();
  const targets = records ?? (record ? [record] : []);
  const missing = inputs.some((input) => input.required && (values[input.name] ?? '').trim() === '');
  const setValue = (name: string, value: string) => setValues((current) => ({ ...current, [name]: value }));

  const submit = async (): Promise<void> => {
    setRunning(true);
    const data = Object.fromEntries(inputs.map((input) => [input.name, values[input.name] ?? '']));
    const target = { resourceId: resource.id, actionName: action.name, data };
    try {
      const response = records
        ? await api.bulkAction({ ...target, recordIds: records.map((one) => one.id) })
        : record
          ? await api.recordAction({ ...target, recordId: record.id })
          : await api.resourceAction(target);
      handleResponse(response);
    } finally {
      setRunning(false);
    }
  };

  return (
    <>
      <DrawerContent>
        {action.showInDrawer ? <ActionHeader omitActions {...props} /> : null}
        {options.description ? <MessageBox mb="xl" variant="info" message={options.description} /> : null}
        <Text mb="lg" data-testid="action-targets">
          {describeTargets(targets.map((one) => one.title))}
        </Text>
        {inputs.map((input, index) => {
          // The first input keeps the id it always had, which tests and habits rely on.
          const id = index === 0 ? 'action-input' : `action-input-${input.name}`;
          const value = values[input.name] ?? '';
          return (
            <FormGroup key={input.name}>
              <Label htmlFor={id} required={input.required}>
                {input.label}
              </Label>
              {input.type === 'textarea' ? (
                <TextArea id={id} width={1} rows={3} value={value} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => setValue(input.name, event.target.value)} />
              ) : (
                <Input
                  id={id}
                  type={input.type}
                  autoComplete="off"
                  width={1}
                  value={value}
                  onChange={(event: React.ChangeEvent<HTMLInputElement>) => setValue(input.name, event.target.value)}
                />
              )}
              {input.help ? <Text variant="sm" mt="sm">{input.help}</Text> : null}
            </FormGroup>
          );
        })}
      </DrawerContent>
      <DrawerFooter>
        <Box flex flexDirection="row" justifyContent="flex-end">
          <Button variant="contained" size="lg" onClick={submit} disabled={running || missing} data-testid="action-confirm">
            {running ? <Icon icon="Loader" spin /> : null}
            {options.confirm}
          </Button>
        </Box>
      </DrawerFooter>
    </>
  );
};

export default ActionForm;
