/**
 * Item plumbing every OMS node shares: reading a canonical order from an item, and per-item errors that go to the
 * error output (or the regular output, or fail the node) as the user set "On Error".
 */
import { NodeApiError, type IExecuteFunctions, type INodeExecutionData, type IDataObject } from 'n8n-workflow';
import { redactText } from '../../lib/http/errors';
import { nodeError, secretsOf } from './errors';
import { validateOrder } from '../../lib/order/validate';
import type { CanonicalOrder } from '../../lib/order/types';
import { ItemError } from '../../lib/flows/item-error';
import type { StoredOrder } from '../../lib/store/types';

/** An item the node refuses (with every problem and its JSON path): the flows' ItemError, under the nodes' name */
export { ItemError as InvalidItemError };

/** The store's view of an order on an output item (`oms`): status, hold, version, when recorded and changed. */
export function omsView(stored: StoredOrder, extra: IDataObject = {}): IDataObject {
	return {
		status: stored.status,
		hold: stored.hold as unknown as IDataObject,
		version: stored.version,
		recordedAt: stored.recordedAt,
		changedAt: stored.changedAt,
		...extra,
	};
}

/** The canonical order carried by an item (the item's JSON itself), validated: every problem listed. */
export function orderFromItem(item: INodeExecutionData): CanonicalOrder {
	const json = item.json as IDataObject;
	const problems = validateOrder(json);
	if (problems.length) {
		const id = typeof json.omsId === 'string' ? json.omsId : typeof json.channelOrderId === 'string' ? json.channelOrderId : 'without an id';
		throw new ItemError(
			`Item is not a valid canonical order (${id}): ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
			problems,
		);
	}
	return json as unknown as CanonicalOrder;
}

/**
 * Turn an error on one item into an error item when the node continues on fail; otherwise throw it as n8n's error
 * for it (nodes/shared/errors nodeError: NodeApiError with the HTTP status for a channel's or WMS's failure, else
 * NodeOperationError), naming the item. The item's JSON is `{ error, details? }` and nothing else, which is how n8n
 * recognises an error item: with "On Error: Continue (using error output)" it goes to the error output, merged with
 * the input item. (An item with `error` set would have its JSON replaced by the message alone, losing `details`.)
 * `details.problems` lists every problem of an invalid order with its JSON path; for an API failure
 * `details.httpCode` and `details.description` (the vendor's words) say what the channel or WMS answered.
 * Nothing in it carries a secret of the node's credentials.
 */
export function errorItem(ctx: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	const err = error as Error & { problems?: Array<{ path: string; message: string }> };
	const e = nodeError(ctx, error, itemIndex);
	if (!ctx.continueOnFail()) throw e;
	// the message as the node wrote it (NodeApiError may have swapped in n8n's words for a transport code)
	const json: IDataObject = { error: redactText(err instanceof Error ? err.message : String(error), secretsOf(ctx)) };
	const details: IDataObject = {};
	if (err.problems?.length) details.problems = err.problems as unknown as IDataObject[];
	if (e instanceof NodeApiError) {
		if (e.httpCode) details.httpCode = e.httpCode;
		if (e.description) details.description = e.description;
	}
	if (Object.keys(details).length) json.details = details;
	return { json, pairedItem: { item: itemIndex } };
}

/** Drop the channel's raw payload from an output item unless the user asked to keep it. */
export function withoutRaw<T extends object>(order: T, keepRaw: boolean): T {
	if (keepRaw || !('raw' in order)) return order;
	const { raw: _raw, ...rest } = order as T & { raw?: unknown };
	void _raw;
	return rest as T;
}

/** `={{ $json.field }}` and nothing else (spaces allowed), the field a plain identifier */
const PLAIN_FIELD = /^=\{\{\s*\$json\.([A-Za-z_$][\w$]*)\s*\}\}$/;

/**
 * A parameter of item i. When the parameter is exactly `={{ $json.<field> }}` (these nodes' defaults for per-item
 * fields), the field is read from the item directly: the same value n8n's expression engine would give, without an
 * evaluation in its isolate (n8n 2.x compiles each expression in a fresh isolate per execution, a few ms each, which
 * a quantity publish repeats for every channel and SKU). Anything else goes through getNodeParameter.
 */
export function itemParameter(ctx: IExecuteFunctions, name: string, i: number, items: INodeExecutionData[]): unknown {
	const raw = ctx.getNode().parameters[name];
	if (typeof raw === 'string') {
		const m = PLAIN_FIELD.exec(raw);
		if (m) return items[i].json[m[1]];
	}
	return ctx.getNodeParameter(name, i);
}
