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

/** Set on an action's `custom` option (admin/actions/action-kit.ts). */
interface ActionFormOptions {
  description?: string;
  confirm: string;
  input?: { name: string; label: string; type: 'textarea' | 'password'; required?: boolean };
}

const api = new ApiClient();

/**
 * The confirmation step of every action that changes something, for one record or a selection: it
 * names the sites or keys concerned, asks for the one input the action needs, and POSTs. The server
 * performs nothing on the GET that opened this form.
 */
const ActionForm: React.FC<ActionProps> = (props) => {
  const { action, resource, record, records } = props;
  const options = action.custom as ActionFormOptions;
  const [value, setValue] = useState('');
  const [running, setRunning] = useState(false);
  const handleResponse = useActionResponseHandler();
  const targets = records ?? (record ? [record] : []);
  const missing = Boolean(options.input?.required && value.trim() === '');

  const submit = async (): Promise<void> => {
    setRunning(true);
    const data = options.input ? { [options.input.name]: value } : {};
    try {
      const response = records
        ? await api.bulkAction({ resourceId: resource.id, actionName: action.name, recordIds: records.map((one) => one.id), data })
        : await api.recordAction({ resourceId: resource.id, actionName: action.name, recordId: record!.id, data });
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
          {targets.length === 1 ? targets[0]!.title : `${targets.length} selected: ${targets.map((one) => one.title).join(', ')}`}
        </Text>
        {options.input ? (
          <FormGroup>
            <Label htmlFor="action-input" required={options.input.required}>
              {options.input.label}
            </Label>
            {options.input.type === 'textarea' ? (
              <TextArea id="action-input" width={1} rows={3} value={value} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => setValue(event.target.value)} />
            ) : (
              <Input id="action-input" type="password" autoComplete="off" width={1} value={value} onChange={(event: React.ChangeEvent<HTMLInputElement>) => setValue(event.target.value)} />
            )}
          </FormGroup>
        ) : null}
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
