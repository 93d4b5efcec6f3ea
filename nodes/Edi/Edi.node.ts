import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import {
	defaultRetailerChannel,
	readDocument,
	X12ParseError,
	type BuiltInterchange,
	type FunctionalAck,
	type ReadableSet,
	type ReadOptions,
	type ReadTransaction,
} from '../../lib/edi';
import {
	acknowledgeInterchanges,
	apply945,
	reconcile997,
	send940,
	sendInvoice,
	sendPoAcknowledgment,
	sendShipNotice,
	unacknowledged940s,
} from '../../lib/flows';
import type { WmsOrderUpdate } from '../../lib/wms/types';
import type { Store } from '../../lib/store/types';
import { errorItem, InvalidItemError, orderFromItem } from '../shared/items';
import { getStore, omsStoreConnectionTest } from '../shared/store';
import { shipmentItems, splitOf } from '../shared/wms';
import { ediPartnerSettingsTest, getPartner, type Partner } from '../shared/edi-partner';
import { subtitle } from '../shared/subtitle';
import { description, Op } from './description';

/** Operations that use the OMS store */
const STORE_OPS: Op[] = ['acknowledge', 'generate940', 'apply945', 'reconcile997', 'listPending', 'generate855', 'generate856', 'generate810'];

export class Edi implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:edi.svg', dark: 'file:edi.dark.svg' },
		group: ['transform'],
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
		// Not offered to AI agents: it generates trading-partner documents that are sent once and applies 945s to orders.
		// (n8n's lint wants the decision written down; the type of usableAsTool has no `false`.)
		usableAsTool: undefined,
		credentials: [
			{ name: 'omsEdiPartnerApi', required: true, testedBy: 'ediPartnerSettingsTest', displayOptions: { hide: { operation: ['listPending'] } } },
			{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' },
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
				for (const p of await unacknowledged940s(store!)) out.push({ json: { ...p }, pairedItem: { item: 0 } });
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
			const sent = await acknowledgeInterchanges(store!, partner.settings, text, { read: readOptions(this, i, partner), now, sendOnce: sendOnce(this, i) });
			return Promise.all(sent.map((a) => documentItem(this, i, { acknowledges: a.acknowledges, groups: a.acks.map(ackSummary) }, a.document)));
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
			const doc = await sendPoAcknowledgment(store!, partner.settings, order, { reject, now });
			return doc ? [await documentItem(this, i, { omsId: order.omsId, poNumber: order.channelOrderId, reject }, doc)] : [];
		}
		case 'generate856': {
			const order = orderFromItem(this.getInputData()[i]);
			if (!ofPartner(this, i, partner, order.channel)) return [];
			const r = await sendShipNotice(store!, partner.settings, order, { now, sendOnce: sendOnce(this, i) });
			return r.document ? [await documentItem(this, i, { omsId: order.omsId, poNumber: order.channelOrderId, packages: r.packages }, r.document)] : [];
		}
		case 'generate810': {
			const order = orderFromItem(this.getInputData()[i]);
			if (!ofPartner(this, i, partner, order.channel)) return [];
			const invoiceNumber = String(this.getNodeParameter('invoiceNumber', i, '') ?? '').trim();
			const shippedOnly = this.getNodeParameter('shippedOnly', i, true) as boolean;
			const r = await sendInvoice(store!, partner.settings, order, { invoiceNumber, shippedOnly, now, sendOnce: sendOnce(this, i) });
			return r.document ? [await documentItem(this, i, { omsId: order.omsId, poNumber: order.channelOrderId, invoiceNumber, total: r.total, currency: r.currency }, r.document)] : [];
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

/** Send Once: a document already sent for the same key (lib/flows send-edi-documents) gives no item */
function sendOnce(ctx: IExecuteFunctions, i: number): boolean {
	return ctx.getNodeParameter('sendOnce', i, true) as boolean;
}

/** The item of a sent document: its set, the operation's fields, its control numbers, and the text */
function documentItem(ctx: IExecuteFunctions, i: number, json: IDataObject, doc: BuiltInterchange): Promise<INodeExecutionData> {
	const setId = doc.sets[0].setId;
	return textItem(ctx, i, { set: setId, ...json, ...controls(doc) }, doc, `${setId}-${doc.interchangeControl}.edi`);
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
