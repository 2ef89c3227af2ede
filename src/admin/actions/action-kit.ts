import type {
  Action,
  ActionContext,
  ActionHandler,
  ActionRequest,
  ActionResponse,
  NoticeMessage,
  RecordActionResponse,
} from 'adminjs';
import { Components } from '../components/components.js';
import { errorNotice } from '../notices.js';

/** What a resource's `actions` option holds. */
export type AdminAction = Partial<Action<ActionResponse>>;

/** Performs the action and says how it went; a thrown error becomes an error notice (notices.ts). */
export type Perform = (request: ActionRequest, context: ActionContext) => Promise<NoticeMessage>;

/** A button grouping the record actions that read or repair a site's rules without switching maintenance. */
export const CLOUDFLARE_MENU = 'Cloudflare';

export interface FormInput {
  name: string;
  label: string;
  type: 'textarea' | 'password' | 'text';
  required?: boolean;
  /** Shown under the field: what it accepts. */
  help?: string;
}

/** What the confirmation form (components/action-form.tsx) shows and asks for. */
export interface ActionForm {
  confirm: string;
  description?: string;
  inputs?: FormInput[];
}

/**
 * Everything that changes something goes through a confirmation form that POSTs: AdminJS calls a
 * `component: false` action with a GET (docs/stack-notes.md#adminjs), which a link on another site could trigger with
 * the operator's cookie. The GET that opens the form only shows the record(s).
 */
function confirmed(form: ActionForm, handler: ActionHandler<ActionResponse>): AdminAction {
  return { component: Components.ActionForm, showInDrawer: true, custom: form, handler };
}

export function recordMutation(form: ActionForm, perform: Perform): AdminAction {
  return confirmed(form, recordHandler(perform, 'show'));
}

/** AdminJS's own delete button confirms in a modal and, unlike every other button without a form, POSTs. */
export function deletion(perform: Perform): AdminAction {
  return { handler: recordHandler(perform, 'list') };
}

function recordHandler(perform: Perform, then: 'show' | 'list'): ActionHandler<RecordActionResponse> {
  return async (request, _response, context) => {
    const { record, resource, currentAdmin, h } = context;
    if (request.method !== 'post') return { record: record!.toJSON(currentAdmin) };
    const notice = await attempt(perform, request, context);
    const current = (await resource.findOne(record!.id(), context)) ?? record!;
    const resourceId = resource.id();
    return {
      record: current.toJSON(currentAdmin),
      notice,
      redirectUrl: then === 'show' ? h.recordActionUrl({ resourceId, recordId: record!.id(), actionName: 'show' }) : h.resourceUrl({ resourceId }),
    };
  };
}

export function bulkMutation(form: ActionForm, perform: Perform): AdminAction {
  return confirmed(form, async (request, _response, context) => {
    const { records = [], resource, currentAdmin, h } = context;
    const json = () => records.map((record) => record.toJSON(currentAdmin));
    if (request.method !== 'post') return { records: json() };
    const notice = await attempt(perform, request, context);
    return { records: json(), notice, redirectUrl: h.resourceUrl({ resourceId: resource.id() }) };
  });
}

export function resourceMutation(form: ActionForm, perform: Perform): AdminAction {
  return confirmed(form, async (request, _response, context) => {
    if (request.method !== 'post') return {};
    const notice = await attempt(perform, request, context);
    return { notice, redirectUrl: context.h.resourceUrl({ resourceId: context.resource.id() }) };
  });
}

async function attempt(perform: Perform, request: ActionRequest, context: ActionContext): Promise<NoticeMessage> {
  try {
    return await perform(request, context);
  } catch (error) {
    return errorNotice(error);
  }
}

/** A text field of the payload: undefined when the form did not send it, '' when it was left empty. */
export function textField(request: ActionRequest, name: string): string | undefined {
  const value: unknown = request.payload?.[name];
  if (value === undefined) return undefined;
  return value === null ? '' : (typeof value === 'string' ? value : JSON.stringify(value)).trim();
}

/** A record's parameter as text (AdminJS's `param()` is untyped). */
export function paramOf(context: ActionContext, name: string): string {
  return String(context.record!.param(name));
}

/** After a record was created or saved: its show page, with a success notice. */
export async function savedResponse(context: ActionContext, id: string, message: string): Promise<RecordActionResponse> {
  const { resource, currentAdmin, h } = context;
  const record = await resource.findOne(id, context);
  return {
    record: record!.toJSON(currentAdmin),
    notice: { message, type: 'success' },
    redirectUrl: h.recordActionUrl({ resourceId: resource.id(), recordId: id, actionName: 'show' }),
  };
}
