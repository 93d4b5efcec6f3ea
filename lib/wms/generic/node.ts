/**
 * The Generic REST provider's fields in the Wms node (paths, order body, field mapping, status words, options) and
 * how their values become GenericConfig settings. n8n-free: n8n appears only as the type of the fields.
 */
import type { INodeProperties } from 'n8n-workflow';
import { WMS_STATUSES, type WmsStatus } from '../status';
import { DEFAULT_GENERIC_ADDRESS_TEMPLATE, DEFAULT_GENERIC_PATHS, DEFAULT_GENERIC_STATUS, DEFAULT_GENERIC_TEMPLATE, type GenericConfig } from './client';

type IDataObject = Record<string, unknown>;

/** The OMS's WMS statuses as options */
const STATUS_OPTIONS = WMS_STATUSES.map((s) => ({
	name: { at_wms: 'At the WMS (Received)', picked: 'Picked', packed: 'Packed', shipped: 'Shipped', delivered: 'Delivered', cancelled: 'Cancelled' }[s],
	value: s,
}));

/** The Wms node's fields for the Generic REST provider (shown only when it is the provider: the node adds that) */
export const GENERIC_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Paths',
		name: 'genericPaths',
		type: 'collection',
		placeholder: 'Change a Path',
		default: {},
		description: 'Paths on the base URL; {reference} and {id} are filled in (URL-encoded)',
		options: [
			{ displayName: 'Address Update Path', name: 'address', type: 'string', default: DEFAULT_GENERIC_PATHS.address, description: 'Replaces an order’s ship-to address (method and body under Generic Options)' },
			{ displayName: 'Cancel Path (POST)', name: 'cancel', type: 'string', default: DEFAULT_GENERIC_PATHS.cancel },
			{ displayName: 'Create Path (POST)', name: 'create', type: 'string', default: DEFAULT_GENERIC_PATHS.create },
			{ displayName: 'Get / Status Path (GET)', name: 'get', type: 'string', default: DEFAULT_GENERIC_PATHS.get },
			{ displayName: 'Inventory Path (GET)', name: 'inventory', type: 'string', default: DEFAULT_GENERIC_PATHS.inventory },
			{ displayName: 'Updates Path (GET)', name: 'updates', type: 'string', default: DEFAULT_GENERIC_PATHS.updates, description: 'Orders changed since a time (the cursor goes in the Since parameter)' },
		],
	},
	{
		displayName: 'Order Body',
		name: 'genericBody',
		type: 'options',
		displayOptions: { show: { resource: ['order'], operation: ['create', 'retryPending'] } },
		options: [
			{ name: 'Default Template', value: 'default', description: 'Fields external_id, order_number, ship_to, items[] …' },
			{ name: 'JSON Template', value: 'template', description: 'Your JSON, with "{{path}}" placeholders into the canonical order' },
			{ name: 'Field Mapping', value: 'mapping', description: 'Target field -> canonical path pairs' },
		],
		default: 'default',
	},
	{
		displayName: 'Body Template',
		name: 'genericTemplate',
		type: 'json',
		default: JSON.stringify(DEFAULT_GENERIC_TEMPLATE, null, 2),
		displayOptions: { show: { resource: ['order'], operation: ['create', 'retryPending'], genericBody: ['template'] } },
		description:
			'Every string "{{path}}" becomes the value at that path (type kept); "text {{path}}" interpolates; a key "{{#lines}}" holding an object makes one element per shipped line (paths inside: sku, quantity, lineId, title, unitPrice). Paths start at reference, shipmentNo, order, lines.',
	},
	{
		displayName: 'Field Mapping',
		name: 'genericMapping',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { resource: ['order'], operation: ['create', 'retryPending'], genericBody: ['mapping'] } },
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{ displayName: 'Target Field', name: 'target', type: 'string', default: '', placeholder: 'items[].sku', description: 'Dotted path in the WMS body; "name[].field" builds an array from lines[]' },
					{ displayName: 'Canonical Path', name: 'source', type: 'string', default: '', placeholder: 'lines[].sku', description: 'A path such as reference, shipmentNo, order.shipTo.city, lines[].quantity …' },
				],
			},
		],
	},
	{
		displayName: 'Status Words',
		name: 'genericStatusMap',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Status Word',
		default: {},
		description:
			'The WMS’s status words and the OMS status each means, on top of the defaults (new/received/open -> at WMS, picking/picked -> picked, packed -> packed, shipped/fulfilled -> shipped, delivered, cancelled)',
		options: [
			{
				displayName: 'Status',
				name: 'status',
				values: [
					{ displayName: 'WMS Word', name: 'word', type: 'string', default: '' },
					{ displayName: 'OMS Status', name: 'status', type: 'options', options: STATUS_OPTIONS, default: 'at_wms' },
				],
			},
		],
	},
	{
		displayName: 'Generic Options',
		name: 'genericOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Address Body (JSON)',
				name: 'addressTemplate',
				type: 'json',
				default: JSON.stringify(DEFAULT_GENERIC_ADDRESS_TEMPLATE, null, 2),
				description: 'Body of the address update; "{{path}}" placeholders from reference, id and address (name, company, line1, line2, city, region, postalCode, country, phone)',
			},
			{
				displayName: 'Address Update Method',
				name: 'addressMethod',
				type: 'options',
				options: [
					{ name: 'PATCH', value: 'PATCH' },
					{ name: 'PUT', value: 'PUT' },
				],
				default: 'PATCH',
			},
			{
				displayName: 'Address Updates',
				name: 'addressUpdates',
				type: 'boolean',
				default: true,
				description: 'Whether the WMS takes a new address for an order it has not picked (off: such an order is held for a person instead)',
			},
			{
				displayName: 'Answer Fields (JSON)',
				name: 'fields',
				type: 'json',
				default: '{}',
				description: 'Where to read things in the WMS’s answers, as dotted paths, e.g. {"orderId": "data.id", "status": "state"}; see docs/nodes/wms.md for the names',
			},
			{ displayName: 'Duplicate Statuses', name: 'duplicateStatuses', type: 'string', default: '409', description: 'HTTP statuses of a create that mean "this reference already exists" (comma-separated)' },
			{ displayName: 'Page Parameter', name: 'pageParam', type: 'string', default: 'page' },
			{ displayName: 'Requests per Second', name: 'ratePerSec', type: 'number', default: 5, typeOptions: { minValue: 0.1 } },
			{ displayName: 'Since Parameter', name: 'sinceParam', type: 'string', default: 'updated_since', description: 'Query parameter of the updates path that carries the cursor time' },
		],
	},
];

/**
 * The Generic REST settings made in the node -> GenericConfig (without the credential's base URL and header).
 * `get(name, fallback)` reads one node parameter; a field that cannot be used throws an Error naming it.
 */
export function genericSettingsFrom(get: (name: string, fallback: unknown) => unknown, resource: string, operation: string): Partial<GenericConfig> {
	const out: Partial<GenericConfig> = {};
	const paths = get('genericPaths', {}) as IDataObject;
	const p: Record<string, string> = {};
	for (const [k, v] of Object.entries(paths)) if (typeof v === 'string' && v.trim()) p[k] = v.trim();
	if (Object.keys(p).length) out.paths = p;
	if (resource === 'order' && (operation === 'create' || operation === 'retryPending')) {
		const body = get('genericBody', 'default') as string;
		if (body === 'template') {
			const t = get('genericTemplate', '') as unknown;
			out.template = typeof t === 'string' ? parseJson(t, 'Body Template') : (t as Record<string, unknown>);
		} else if (body === 'mapping') {
			const rows = ((get('genericMapping', {}) as IDataObject).field ?? []) as IDataObject[];
			const pairs: Record<string, string> = {};
			for (const r of rows) if (String(r.target ?? '').trim()) pairs[String(r.target).trim()] = String(r.source ?? '').trim();
			if (!Object.keys(pairs).length) throw new Error('Field Mapping is empty: add target field -> canonical path pairs');
			out.pairs = pairs;
		}
	}
	const words = ((get('genericStatusMap', {}) as IDataObject).status ?? []) as IDataObject[];
	const table: Record<string, WmsStatus> = { ...DEFAULT_GENERIC_STATUS };
	for (const w of words) if (String(w.word ?? '').trim()) table[String(w.word).trim().toLowerCase()] = w.status as WmsStatus;
	out.statusMap = table;
	const o = get('genericOptions', {}) as IDataObject;
	if (typeof o.sinceParam === 'string' && o.sinceParam) out.sinceParam = o.sinceParam;
	if (typeof o.pageParam === 'string' && o.pageParam) out.pageParam = o.pageParam;
	if (typeof o.ratePerSec === 'number' && o.ratePerSec > 0) out.ratePerSec = o.ratePerSec;
	if (typeof o.duplicateStatuses === 'string' && o.duplicateStatuses.trim()) {
		const codes = o.duplicateStatuses.split(/[\s,]+/).map(Number).filter((n) => Number.isInteger(n) && n >= 400 && n < 600);
		if (codes.length) out.duplicateStatuses = codes;
	}
	if (o.addressUpdates === false) out.addressUpdates = false;
	if (o.addressMethod === 'PATCH' || o.addressMethod === 'PUT') out.addressMethod = o.addressMethod;
	if (o.addressTemplate !== undefined && o.addressTemplate !== '') out.addressTemplate = typeof o.addressTemplate === 'string' ? parseJson(o.addressTemplate, 'Address Body (JSON)') : (o.addressTemplate as Record<string, unknown>);
	if (o.fields !== undefined) {
		const f = typeof o.fields === 'string' ? parseJson(o.fields || '{}', 'Answer Fields') : (o.fields as Record<string, unknown>);
		if (Object.keys(f).length) out.fields = f as GenericConfig['fields'];
	}
	return out;
}

function parseJson(text: string, what: string): Record<string, unknown> {
	try {
		const v = JSON.parse(text) as unknown;
		if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
		return v as Record<string, unknown>;
	} catch (error) {
		throw new Error(`${what} is not a JSON object: ${(error as Error).message}`);
	}
}
