import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import {
	acknowledgmentsFor,
	checkParties,
	defaultRetailerChannel,
	envelope,
	invoiceOf,
	parseX12,
	poAckOf,
	READABLE_SETS,
	readDocument,
	shipNoticeOf,
	write810,
	write855,
	write856,
	X12ParseError,
	type BuiltInterchange,
	type Edi940Payload,
	type FunctionalAck,
	type OutgoingSet,
	type ReadableSet,
	type ReadOptions,
	type ReadTransaction,
} from '../../lib/edi';
import { apply945, reconcile997, send940 } from '../../lib/flows';
import type { WmsOrderUpdate } from '../../lib/wms/types';
import type { Store } from '../../lib/store/types';
import { errorItem, InvalidItemError, orderFromItem } from '../shared/items';
import { getStore, omsStoreConnectionTest, STORE_NOTICE } from '../shared/store';
import { shipmentItems, splitOf } from '../shared/wms';
import { ediPartnerSettingsTest, getPartner, type Partner } from './partner';
import { subtitle } from '../shared/subtitle';

type Op = 'parse' | 'acknowledge' | 'generate940' | 'apply945' | 'reconcile997' | 'listPending' | 'generate855' | 'generate856' | 'generate810';

/** Operations whose input is X12 text (a file or a JSON field) */
const TEXT_IN: Op[] = ['parse', 'acknowledge', 'apply945', 'reconcile997'];
/** Operations whose output is X12 text */
const TEXT_OUT: Op[] = ['acknowledge', 'generate940', 'generate855', 'generate856', 'generate810'];
/** Operations that use the OMS store */
const STORE_OPS: Op[] = ['acknowledge', 'generate940', 'apply945', 'reconcile997', 'listPending', 'generate855', 'generate856', 'generate810'];

const show = (operation: Op[], extra: Record<string, unknown[]> = {}) => ({ show: { operation, ...extra } });

const TEXT_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'inputSource',
		type: 'options',
		options: [
			{ name: 'Binary File', value: 'binary', description: 'A file from Read/Write Files from Disk, FTP or SFTP' },
			{ name: 'JSON Field', value: 'json', description: 'The X12 text in a field of the item' },
		],
		default: 'binary',
		displayOptions: show(TEXT_IN),
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		displayOptions: show(TEXT_IN, { inputSource: ['binary'] }),
		description: 'The binary field that holds the X12 file',
	},
	{
		displayName: 'Text Field',
		name: 'textField',
		type: 'string',
		default: 'edi',
		displayOptions: show(TEXT_IN, { inputSource: ['json'] }),
		description: 'The JSON field that holds the X12 text',
	},
	{
		displayName: 'Put Output in Binary File',
		name: 'outputBinary',
		type: 'boolean',
		default: true,
		displayOptions: show(TEXT_OUT),
		description: 'Whether to put the X12 text in a binary file as well (for Read/Write Files from Disk, FTP or SFTP); it is always in the JSON field "edi"',
	},
	{
		displayName: 'Output Binary Field',
		name: 'outputBinaryProperty',
		type: 'string',
		default: 'data',
		displayOptions: show(TEXT_OUT, { outputBinary: [true] }),
	},
];

export class Edi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'EDI X12',
		name: 'edi',
		icon: { light: 'file:edi.svg', dark: 'file:edi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitle('{operation}: {resource}', {
			operation: {
				acknowledge: 'Acknowledge (997)',
				parse: 'Parse',
				apply945: 'Apply 945 Shipping Advice',
				generate940: 'Generate 940 Shipping Order',
				listPending: 'List Unacknowledged 940s',
				reconcile997: 'Reconcile 997',
				generate810: 'Generate 810 Invoice',
				generate855: 'Generate 855 PO Acknowledgment',
				generate856: 'Generate 856 Ship Notice (ASN)',
			},
			resource: { document: 'Document', retailer: 'Retailer', warehouse: 'Warehouse' },
		}),
		description:
			'X12 EDI with 3PL warehouses (940 out; 945, 846, 997 in) and retailers (850 in; 855, 856, 810 out): parse, generate with store-kept control numbers, acknowledge, and apply to the OMS',
		defaults: { name: 'EDI X12' },
		// Not offered to AI agents: it generates trading-partner documents that are sent once and applies 945s to orders.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'omsEdiPartnerApi', required: true, testedBy: 'ediPartnerSettingsTest', displayOptions: { hide: { operation: ['listPending'] } } },
			{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' },
		],
		properties: [
			STORE_NOTICE,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Document', value: 'document', description: 'Any received X12 file: parse it, or acknowledge it with a 997' },
					{ name: 'Retailer', value: 'retailer', description: 'Send 855, 856 and 810 back for a retailer\'s 850 orders' },
					{ name: 'Warehouse', value: 'warehouse', description: 'A 3PL that speaks EDI: 940 out, 945 and 997 in' },
				],
				default: 'document',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['document'] } },
				options: [
					{ name: 'Acknowledge (997)', value: 'acknowledge', description: 'Write the 997 for a received interchange: each transaction set accepted, or rejected with the segment and element', action: 'Acknowledge a received interchange' },
					{ name: 'Parse', value: 'parse', description: 'Read an X12 file into items: 850 as canonical orders, 846 as inventory levels, and the rest as data', action: 'Parse an X12 document' },
				],
				default: 'parse',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['warehouse'] } },
				options: [
					{ name: 'Apply 945 Shipping Advice', value: 'apply945', description: 'Ship orders with tracking from the warehouse\'s 945, as the WMS node\'s Get Updates does; one item per new package', action: 'Apply warehouse shipping advice' },
					{ name: 'Generate 940 Shipping Order', value: 'generate940', description: 'Send ready orders to an EDI warehouse: once per order, recorded in the outbox (pending until the 997)', action: 'Generate a 940 warehouse shipping order' },
					{ name: 'List Unacknowledged 940s', value: 'listPending', description: 'Every 940 still waiting for the warehouse\'s 997', action: 'List unacknowledged 940s' },
					{ name: 'Reconcile 997', value: 'reconcile997', description: 'Mark the 940s a warehouse\'s 997 accepts as acknowledged and the rejected ones as failed', action: 'Reconcile functional acknowledgments' },
				],
				default: 'generate940',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['retailer'] } },
				options: [
					{ name: 'Generate 810 Invoice', value: 'generate810', description: 'Invoice a retailer\'s order', action: 'Generate an 810 invoice' },
					{ name: 'Generate 855 PO Acknowledgment', value: 'generate855', description: 'Acknowledge a retailer\'s 850 (accepted, backordered lines from the allocation, or rejected)', action: 'Generate an 855 PO acknowledgment' },
					{ name: 'Generate 856 Ship Notice (ASN)', value: 'generate856', description: 'Tell a retailer what shipped, from the packages the OMS recorded', action: 'Generate an 856 ship notice' },
				],
				default: 'generate855',
			},
			...TEXT_PROPERTIES,
			{
				displayName: 'Expected Transaction Set',
				name: 'expect',
				type: 'options',
				options: [{ name: 'Any (Detect From ST01)', value: 'any' }, ...READABLE_SETS.map((s) => ({ name: s, value: s }))],
				default: 'any',
				displayOptions: show(['parse']),
				description: 'Refuse a file holding another set',
			},
			{
				displayName: 'Use Split Shipment Fields',
				name: 'useShipmentFields',
				type: 'boolean',
				default: true,
				displayOptions: show(['generate940']),
				description:
					'Whether to send only the item\'s shipmentLines as shipment shipmentNo (what the Backorder Gate sets: the allocated part of a backordered order, a released later shipment), as the WMS node does',
			},
			{
				displayName: 'Reject Order',
				name: 'reject',
				type: 'boolean',
				default: false,
				displayOptions: show(['generate855']),
				description: 'Whether to reject the whole purchase order (BAK02 RJ, every line IR) instead of accepting it',
			},
			{
				displayName: 'Invoice Number',
				name: 'invoiceNumber',
				type: 'string',
				default: '={{ $json.channelOrderId }}',
				required: true,
				displayOptions: show(['generate810']),
				description: 'BIG02; must be unique with the retailer',
			},
			{
				displayName: 'Invoice Shipped Quantities Only',
				name: 'shippedOnly',
				type: 'boolean',
				default: true,
				displayOptions: show(['generate810']),
				description: 'Whether to invoice what the OMS recorded as shipped (refused while nothing shipped) instead of every ordered unit',
			},
			{
				displayName: 'Only the Partner\'s Orders',
				name: 'partnerOrdersOnly',
				type: 'boolean',
				default: true,
				displayOptions: show(['generate855', 'generate856', 'generate810']),
				description:
					'Whether to skip orders of other channels than this retailer\'s (the credential\'s Retailer Channel Name, else edi-&lt;partner ID&gt;), so the input may be every shipped order',
			},
			{
				displayName: 'Send Once',
				name: 'sendOnce',
				type: 'boolean',
				default: true,
				displayOptions: show(['acknowledge', 'generate856', 'generate810']),
				description:
					'Whether to skip what was sent before to this partner: the 997 for the same received interchange, the 856 for the same packages, the 810 with the same invoice number (so a schedule that reads the same files or orders again sends each once)',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: show(['parse', 'acknowledge', 'apply945', 'reconcile997']),
				options: [
					{ displayName: 'Available Qualifiers (846)', name: 'availableQualifiers', type: 'string', default: '33', description: 'QTY01 codes read as available, comma-separated, first found wins' },
					{ displayName: 'Check Sender and Receiver IDs', name: 'checkParties', type: 'boolean', default: true, description: 'Whether to refuse an interchange that is not from the partner to us' },
					{ displayName: 'Default Country', name: 'defaultCountry', type: 'string', default: '', placeholder: 'US', description: 'ISO country for addresses whose N4 has none; empty: such an address is refused' },
					{ displayName: 'Default Currency', name: 'defaultCurrency', type: 'string', default: '', placeholder: 'USD', description: 'For 850s and 810s without a CUR segment; empty: such a document is refused' },
					{ displayName: 'Location (846)', name: 'location', type: 'string', default: '', description: 'The stock location when the 846 has no N1*WH; empty: default' },
					{ displayName: 'On-Hand Qualifiers (846)', name: 'onHandQualifiers', type: 'string', default: '17', description: 'QTY01 codes read as on hand, comma-separated, first found wins' },
				],
			},
		],
	};

	methods = { credentialTest: { omsStoreConnectionTest, ediPartnerSettingsTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as Op;
		const items = this.getInputData();
		const cause = `edi.${operation}`;
		const store = STORE_OPS.includes(operation) ? await getStore(this) : null;
		const partner = operation === 'listPending' ? null : await getPartner(this);
		const out: INodeExecutionData[] = [];

		if (operation === 'listPending') {
			try {
				for (const d of await store!.listDeliveries({ provider: 'edi', status: ['pending'], limit: 100_000 })) {
					const p = (d.payload ?? {}) as Partial<Edi940Payload>;
					out.push({
						json: { omsId: d.omsId, reference: d.reference, set: p.set ?? '940', interchangeControl: p.interchangeControl ?? null, groupControl: p.groupControl ?? null, setControl: p.setControl ?? null, since: d.createdAt },
						pairedItem: { item: 0 },
					});
				}
			} catch (error) {
				out.push(errorItem(this, error, 0));
			}
			return [out];
		}

		for (let i = 0; i < items.length; i++) {
			try {
				const produced = await runItem.call(this, operation, i, store, partner!, cause);
				out.push(...produced);
			} catch (error) {
				out.push(errorItem(this, asItemError(error), i));
			}
		}
		return [out];
	}
}

/** An X12ParseError as an item error with its position in `details.problems` */
function asItemError(error: unknown): unknown {
	if (error instanceof X12ParseError) {
		const path = [error.position != null ? `segment ${error.position}` : null, error.segmentId, error.element != null ? `element ${error.element}` : null].filter(Boolean).join(' ');
		return new InvalidItemError(`X12 refused: ${error.message}`, [{ path: path || 'interchange', message: error.detail }]);
	}
	return error;
}

async function runItem(this: IExecuteFunctions, op: Op, i: number, store: Store | null, partner: Partner, cause: string): Promise<INodeExecutionData[]> {
	const paired = { item: i };
	const now = new Date();
	switch (op) {
		case 'parse': {
			const text = await inputText(this, i);
			const expect = this.getNodeParameter('expect', i, 'any') as string;
			const { transactions } = readDocument(text, { ...readOptions(this, i, partner), expect: expect === 'any' ? null : (expect as ReadableSet) });
			return transactions.flatMap((t) => parsedItems(t).map((json) => ({ json, pairedItem: paired })));
		}
		case 'acknowledge': {
			const text = await inputText(this, i);
			const opts = readOptions(this, i, partner);
			const results: INodeExecutionData[] = [];
			for (const interchange of parseX12(text)) {
				// the same checks as Parse: only the partner's interchanges to us are acknowledged
				checkParties(interchange, opts);
				const { acks, sets } = acknowledgmentsFor(interchange, opts);
				const h = interchange.header;
				const once = onceKey(this, i, `${h.senderQualifier}/${h.senderId}|${h.controlNumber}`);
				results.push(...(await outgoingSets(this, i, store!, partner, sets, { acknowledges: h.controlNumber, groups: acks.map(ackSummary) }, now, once)));
			}
			return results;
		}
		case 'generate940': {
			const item = this.getInputData()[i];
			const order = orderFromItem(item);
			const split = this.getNodeParameter('useShipmentFields', i, true) ? splitOf(item.json, order) : {};
			const r = await send940(store!, partner.settings, order.omsId, { ...split, expect997: partner.expect997, now, cause });
			if (r.outcome === 'refused') throw new Error(`${order.omsId}: no 940 generated: ${r.error}`);
			// generated before (an earlier run, or another worker): nothing new to send
			if (r.outcome === 'already_generated') return [];
			const json: IDataObject = { set: '940', omsId: r.omsId, reference: r.reference, delivery: r.delivery!.status, ...controls(r.document!) };
			return [await textItem(this, i, json, r.document!, `940-${r.document!.interchangeControl}.edi`)];
		}
		case 'apply945': {
			const text = await inputText(this, i);
			const { transactions } = readDocument(text, { ...readOptions(this, i, partner), expect: '945' });
			const updates = transactions.map((t) => (t.data.set === '945' ? t.data.update : null)).filter((u): u is WmsOrderUpdate => !!u);
			const r = await apply945(store!, updates, { cause });
			const unknown = r.results.filter((x) => x.outcome === 'unknown').map((x) => x.reference);
			if (unknown.length === r.results.length) throw new Error(`945: no order in the OMS store for ${unknown.join(', ')}`);
			return (await shipmentItems(store!, r.newShipments, 'edi')).map((json) => ({ json, pairedItem: paired }));
		}
		case 'reconcile997': {
			const text = await inputText(this, i);
			const { transactions } = readDocument(text, { ...readOptions(this, i, partner), expect: '997' });
			const acks = transactions.map((t) => (t.data.set === '997' ? t.data.ack : null)).filter((a): a is FunctionalAck => !!a);
			const results = await reconcile997(store!, transactions[0].envelope.scope, acks, { cause });
			return results.map((r) => ({ json: r as unknown as IDataObject, pairedItem: paired }));
		}
		case 'generate855': {
			const order = orderFromItem(this.getInputData()[i]);
			if (!ofPartner(this, i, partner, order.channel)) return [];
			const reject = this.getNodeParameter('reject', i, false) as boolean;
			return outgoing(this, i, store!, partner, write855(poAckOf(order, { reject, date: now.toISOString() })), { omsId: order.omsId, poNumber: order.channelOrderId, reject }, now, null);
		}
		case 'generate856': {
			const order = orderFromItem(this.getInputData()[i]);
			if (!ofPartner(this, i, partner, order.channel)) return [];
			const shipments = await store!.getShipments(order.omsId);
			const once = onceKey(this, i, `${order.omsId}|${shipments.map((x) => x.packageKey).sort().join(',')}`);
			return outgoing(this, i, store!, partner, write856(shipNoticeOf(order, shipments)), { omsId: order.omsId, poNumber: order.channelOrderId, packages: shipments.length }, now, once);
		}
		case 'generate810': {
			const order = orderFromItem(this.getInputData()[i]);
			if (!ofPartner(this, i, partner, order.channel)) return [];
			const invoiceNumber = String(this.getNodeParameter('invoiceNumber', i, '') ?? '').trim();
			if (!invoiceNumber) throw new Error(`${order.omsId}: Invoice Number is empty`);
			const shippedOnly = this.getNodeParameter('shippedOnly', i, true) as boolean;
			const shipped = shippedOnly ? (await store!.getShipments(order.omsId)).flatMap((s) => s.lines) : undefined;
			if (shipped && !shipped.length) throw new Error(`${order.omsId}: nothing shipped yet to invoice (turn off Invoice Shipped Quantities Only to invoice the whole order)`);
			const invoice = invoiceOf(order, { invoiceNumber, date: now.toISOString(), shipped });
			const once = onceKey(this, i, `${order.omsId}|${invoiceNumber}`);
			return outgoing(this, i, store!, partner, write810(invoice), { omsId: order.omsId, poNumber: order.channelOrderId, invoiceNumber, total: invoice.total, currency: invoice.currency }, now, once);
		}
		default:
			throw new NodeOperationError(this.getNode(), `Unknown operation ${String(op)}`);
	}
}

function readOptions(ctx: IExecuteFunctions, i: number, partner: Partner): ReadOptions {
	const o = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const list = (v: unknown) =>
		String(v ?? '')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
	const check = o.checkParties !== false;
	return {
		channel: partnerChannel(partner),
		defaultCurrency: String(o.defaultCurrency ?? '').trim() || null,
		defaultCountry: String(o.defaultCountry ?? '').trim() || null,
		inventory: { onHand: list(o.onHandQualifiers ?? '17'), available: list(o.availableQualifiers ?? '33'), location: String(o.location ?? '').trim() || undefined },
		partner: check ? { qualifier: partner.settings.receiverQualifier, id: partner.settings.receiverId } : null,
		us: check ? { qualifier: partner.settings.senderQualifier, id: partner.settings.senderId } : null,
	};
}

/** The X12 text of item i: from its binary file or a JSON field */
async function inputText(ctx: IExecuteFunctions, i: number): Promise<string> {
	const source = ctx.getNodeParameter('inputSource', i, 'binary') as string;
	if (source === 'binary') {
		const prop = ctx.getNodeParameter('binaryProperty', i, 'data') as string;
		const item = ctx.getInputData()[i];
		if (!item.binary?.[prop]) throw new InvalidItemError(`Item has no binary field "${prop}" with an X12 file (set Input to JSON Field if the text is in the JSON)`);
		return (await ctx.helpers.getBinaryDataBuffer(i, prop)).toString('utf8');
	}
	const field = ctx.getNodeParameter('textField', i, 'edi') as string;
	const value = ctx.getInputData()[i].json[field];
	if (typeof value !== 'string' || value.trim() === '') throw new InvalidItemError(`Item has no X12 text in field "${field}" (got ${value === undefined ? 'nothing' : typeof value})`);
	return value;
}

function controls(doc: BuiltInterchange): IDataObject {
	return { interchangeControl: doc.interchangeControl, groupControl: doc.groupControl, setControls: doc.sets.map((s) => s.controlNumber), receiver: doc.scope.split('>')[1] };
}

function ackSummary(a: FunctionalAck): IDataObject {
	return { functionalId: a.functionalId, groupControl: a.groupControl, status: a.groupStatus, accepted: a.accepted, included: a.included, sets: a.sets.map((s) => ({ setId: s.setId, controlNumber: s.controlNumber, status: s.status })) };
}

/** The item of a written interchange: JSON (with the text in `edi`) and, by default, a binary file */
async function textItem(ctx: IExecuteFunctions, i: number, json: IDataObject, doc: BuiltInterchange, fileName: string): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: { ...json, fileName, edi: doc.text }, pairedItem: { item: i } };
	if (ctx.getNodeParameter('outputBinary', i, true)) {
		const prop = ctx.getNodeParameter('outputBinaryProperty', i, 'data') as string;
		item.binary = { [prop]: await ctx.helpers.prepareBinaryData(Buffer.from(doc.text, 'utf8'), fileName, 'application/edi-x12') };
	}
	return item;
}

/** The retailer's channel (the credential's, else edi-<partner ID>) */
function partnerChannel(partner: Partner): string {
	return partner.channel || defaultRetailerChannel(partner.settings.receiverId);
}

/** Whether an order may go to this retailer (always, with Only the Partner's Orders off) */
function ofPartner(ctx: IExecuteFunctions, i: number, partner: Partner, channel: string): boolean {
	return !ctx.getNodeParameter('partnerOrdersOnly', i, true) || channel === partnerChannel(partner);
}

/** The idempotency key of a send-once document, or null when Send Once is off */
function onceKey(ctx: IExecuteFunctions, i: number, key: string): string | null {
	return ctx.getNodeParameter('sendOnce', i, true) ? key : null;
}

/**
 * Envelope one set and make its item. With a send-once key, the key is marked in the store's processed table
 * (per set and partner) once the document is built; a key seen before gives no item (the control number taken
 * for it is skipped, which X12 allows).
 */
async function outgoing(ctx: IExecuteFunctions, i: number, store: Store, partner: Partner, set: OutgoingSet, json: IDataObject, now: Date, once: string | null): Promise<INodeExecutionData[]> {
	return outgoingSets(ctx, i, store, partner, [set], json, now, once);
}

async function outgoingSets(ctx: IExecuteFunctions, i: number, store: Store, partner: Partner, sets: OutgoingSet[], json: IDataObject, now: Date, once: string | null): Promise<INodeExecutionData[]> {
	const setId = sets[0].setId;
	const doc = await envelope(store, partner.settings, sets, now);
	if (once && !(await store.markProcessed(`edi:${setId}:${doc.scope}`, once))) return [];
	return [await textItem(ctx, i, { set: setId, ...json, ...controls(doc) }, doc, `${setId}-${doc.interchangeControl}.edi`)];
}

/** Items of one parsed transaction set: an 850 is the canonical order itself; an 846 one item per level */
function parsedItems(t: ReadTransaction): IDataObject[] {
	const env = t.envelope as unknown as IDataObject;
	switch (t.data.set) {
		case '850':
			return [t.data.order as unknown as IDataObject];
		case '846':
			return t.data.levels.map((l) => ({ sku: l.sku, location: l.location, onHand: l.onHand, available: l.available ?? l.onHand, provider: 'edi', edi: env }));
		case '945':
			return [{ set: '945', envelope: env, shippingAdvice: t.data.shippingAdvice as unknown as IDataObject, update: t.data.update as unknown as IDataObject }];
		case '997':
			return [{ set: '997', envelope: env, ack: t.data.ack as unknown as IDataObject }];
		case '940':
			return [{ set: '940', envelope: env, shippingOrder: t.data.shippingOrder as unknown as IDataObject }];
		case '855':
			return [{ set: '855', envelope: env, poAck: t.data.poAck as unknown as IDataObject }];
		case '856':
			return [{ set: '856', envelope: env, shipNotice: t.data.shipNotice as unknown as IDataObject }];
		case '810':
			return [{ set: '810', envelope: env, invoice: t.data.invoice as unknown as IDataObject }];
	}
}
