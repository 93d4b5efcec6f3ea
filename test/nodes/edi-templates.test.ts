/**
 * The EDI templates (workflows/edi-warehouse.json, workflows/edi-retailer.json) run as imported, through n8n-core's
 * WorkflowExecute, against a temp folder with n8n's own Read/Write Files from Disk node (n8n-nodes-base 2.41.1 from
 * the n8n that scripts/ensure-n8n.sh installs into .cache), on a real SQLite store. Only two things differ from an
 * import: the schedule trigger is started by hand, and the folder prefix points at the temp folder. The partners'
 * side of each exchange (the warehouse's 945/997/846, the retailer's 850) is written with lib/edi.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { IExecuteFunctions, INodeType } from 'n8n-workflow';
import { buildInterchange, readDocument, write846, write850, write945, write997, type FunctionalAck, type PartnerSettings } from '../../lib/edi';
import { closeAllStores, openStore, storeConfigFromCredential } from '../../lib/store/open';
import type { Store } from '../../lib/store/types';
import { makeOrder } from '../helpers/orders';
import { outputOf, runWorkflow, type WorkflowJson } from '../helpers/n8n-harness';

const ROOT = join(__dirname, '..', '..');
const TEMPLATE_BASE = '/home/node/.n8n-files/edi';
const work = realpathSync(mkdtempSync(join(tmpdir(), 'edi-templates-')));

// n8n 2.x reads and writes files only under N8N_RESTRICT_FILE_ACCESS_TO (default ~/.n8n-files); the temp folder is it
const savedEnv = { restrict: process.env.N8N_RESTRICT_FILE_ACCESS_TO, userFolder: process.env.N8N_USER_FOLDER };
process.env.N8N_RESTRICT_FILE_ACCESS_TO = work;
mkdirSync(join(work, 'n8n-user', '.n8n'), { recursive: true });
process.env.N8N_USER_FOLDER = join(work, 'n8n-user');

let baseNodes: Record<string, INodeType>;

beforeAll(() => {
	// n8n's own nodes come from the n8n the e2e tests use (installed once, then reused)
	const bin = execFileSync('bash', [join(ROOT, 'scripts/ensure-n8n.sh')], { encoding: 'utf8' }).trim();
	const dist = join(dirname(dirname(bin)), '..', 'n8n-nodes-base', 'dist', 'nodes');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const load = (file: string, name: string) => new (require(join(dist, file)) as Record<string, new () => INodeType>)[name]();
	baseNodes = {
		'n8n-nodes-base.readWriteFile': jestRealmFix(load('Files/ReadWriteFile/ReadWriteFile.node.js', 'ReadWriteFile')),
		'n8n-nodes-base.noOp': load('NoOp/NoOp.node.js', 'NoOp'),
		'n8n-nodes-base.stickyNote': load('StickyNote/StickyNote.node.js', 'StickyNote'),
	};
}, 30 * 60_000);

afterAll(async () => {
	await closeAllStores();
	rmSync(work, { recursive: true, force: true });
	if (savedEnv.restrict === undefined) delete process.env.N8N_RESTRICT_FILE_ACCESS_TO;
	else process.env.N8N_RESTRICT_FILE_ACCESS_TO = savedEnv.restrict;
	if (savedEnv.userFolder === undefined) delete process.env.N8N_USER_FOLDER;
	else process.env.N8N_USER_FOLDER = savedEnv.userFolder;
});

/**
 * n8n-core's resolvePath falls back to realpath(dir) + name for a file that does not exist yet, but it recognises
 * the ENOENT with `instanceof Error`, which is false under jest (Node's fs errors come from another realm), so
 * under jest every write to a new file fails. This gives the node the same fallback; the node itself is unchanged.
 */
function jestRealmFix(node: INodeType): INodeType {
	const wrapped = Object.create(node) as INodeType;
	wrapped.execute = async function (this: IExecuteFunctions) {
		const helpers = new Proxy(this.helpers, {
			get(target, key) {
				if (key === 'resolvePath') {
					return async (p: string) => {
						try {
							return await target.resolvePath(p);
						} catch (error) {
							if ((error as { code?: string }).code !== 'ENOENT') throw error;
							return join(await realpath(dirname(String(p))), basename(String(p)));
						}
					};
				}
				const v = (target as unknown as Record<string | symbol, unknown>)[key];
				return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
			},
		});
		const proxied = new Proxy(this, {
			get(target, key) {
				if (key === 'helpers') return helpers;
				const v = (target as unknown as Record<string | symbol, unknown>)[key];
				return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
			},
		});
		return node.execute!.call(proxied as IExecuteFunctions);
	};
	return wrapped;
}

/** The template as imported, with the OMS Store credential selected on the OMS nodes and the folder moved */
function template(file: string, folder: string): WorkflowJson {
	const text = readFileSync(join(ROOT, 'workflows', file), 'utf8').split(TEMPLATE_BASE).join(folder);
	const wf = JSON.parse(text) as WorkflowJson;
	for (const n of wf.nodes) {
		if (n.type === 'n8n-nodes-base.scheduleTrigger') {
			n.type = 'n8n-nodes-base.manualTrigger';
			n.typeVersion = 1;
			n.parameters = {};
		}
		if (n.type.startsWith('n8n-nodes-oms-wms.')) n.credentials = { ...(n.credentials ?? {}), omsStoreApi: { id: 'omsStoreCred0001', name: 'OMS Store' } };
	}
	return wf;
}

const files = (dir: string) => readdirSync(dir).sort();

// the two sides of each trading partnership
const WAREHOUSE_CRED = { senderQualifier: 'ZZ', senderId: 'SELLER', receiverQualifier: 'ZZ', receiverId: 'WH3PL', version: '4010', usage: 'T', expect997: true, element: '*', segment: '~', component: '>', lineBreak: true };
const WAREHOUSE_SIDE: PartnerSettings = { senderQualifier: 'ZZ', senderId: 'WH3PL', receiverQualifier: 'ZZ', receiverId: 'SELLER', version: '4010', usage: 'T', ackRequested: false, element: '*', segment: '~', component: '>', lineBreak: true };
const RETAILER_CRED = { senderQualifier: 'ZZ', senderId: 'SELLER', receiverQualifier: '01', receiverId: '123456789', version: '5010', usage: 'P', channel: 'acme', expect997: true, element: '*', segment: '~', component: ':', repetition: '^', lineBreak: true };
const RETAILER_SIDE: PartnerSettings = { senderQualifier: '01', senderId: '123456789', receiverQualifier: 'ZZ', receiverId: 'SELLER', version: '5010', usage: 'P', ackRequested: false, element: '*', segment: '~', component: ':', repetition: '^', lineBreak: true };

async function run(wf: WorkflowJson, storePath: string, partner: Record<string, unknown>) {
	const result = await runWorkflow(wf, { nodeTypes: baseNodes, credentials: { omsStoreApi: { storeType: 'sqlite', sqlitePath: storePath }, omsEdiPartnerApi: partner } });
	expect(result.error).toBeUndefined();
	return result;
}

async function storeAt(path: string): Promise<Store> {
	return openStore(storeConfigFromCredential({ storeType: 'sqlite', sqlitePath: path }));
}

describe('OMS 8: EDI Warehouse template', () => {
	it('940s out once; the warehouse 997, 945 and 846 in: acknowledged, shipped with tracking, stock synced; reading the files again changes nothing', async () => {
		const folder = join(work, 'wh');
		for (const d of ['warehouse/outbound', 'warehouse/inbound/945', 'warehouse/inbound/997', 'warehouse/inbound/846']) mkdirSync(join(folder, d), { recursive: true });
		const storePath = join(work, 'wh.sqlite');
		const store = await storeAt(storePath);
		const a = makeOrder({ channelOrderId: 'WH-A', lines: [{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: 10, lineTotal: 20 }] });
		const b = makeOrder({ channelOrderId: 'WH-B', lines: [{ lineId: '1', sku: 'CUP', title: 'Cup', quantity: 1, unitPrice: 5, lineTotal: 5 }] });
		for (const o of [a, b]) {
			await store.recordOrder(o);
			await store.setStatus(o.omsId, 'ready');
		}
		const wf = template('edi-warehouse.json', folder);
		const out = join(folder, 'warehouse/outbound');

		// run 1: the two ready orders go out as 940 files
		await run(wf, storePath, WAREHOUSE_CRED);
		expect(files(out)).toEqual(['940-000000001.edi', '940-000000002.edi']);
		const sent = files(out).map((f) => readDocument(readFileSync(join(out, f), 'utf8')).transactions[0]);
		expect(sent.map((t) => (t.data.set === '940' ? t.data.shippingOrder.depositorOrderNumber : null)).sort()).toEqual([a.omsId, b.omsId].sort());
		expect((await store.listDeliveries({ provider: 'edi', status: ['pending'] })).length).toBe(2);
		const group = (omsId: string) => sent.find((t) => t.data.set === '940' && t.data.shippingOrder.depositorOrderNumber === omsId)!.envelope.groupControl;

		// the warehouse answers: a 997 (a accepted, b rejected), a 945 for a, and an 846
		const ack = (g: string, status: 'A' | 'R'): FunctionalAck => ({ functionalId: 'OW', groupControl: g, version: null, sets: [{ setId: '940', controlNumber: '0001', status, codes: status === 'R' ? ['5'] : [], errors: [] }], groupStatus: status, included: 1, received: 1, accepted: status === 'A' ? 1 : 0, groupCodes: [] });
		writeFileSync(join(folder, 'warehouse/inbound/997/ack-1.edi'), buildInterchange(WAREHOUSE_SIDE, { controlNumber: 501, sets: [write997(ack(group(a.omsId), 'A')), write997(ack(group(b.omsId), 'R'))] }).text);
		writeFileSync(
			join(folder, 'warehouse/inbound/945/ship-1.edi'),
			buildInterchange(WAREHOUSE_SIDE, {
				controlNumber: 502,
				sets: [write945({ reportingCode: 'F', depositorOrderNumber: a.omsId, shippedAt: '2026-05-02T15:30:00.000Z', shipmentId: 'SH-1', carrier: 'UPSN', transportMethod: 'U', packages: [{ packageKey: 'SH-1:1Z1', trackingNumber: '1Z1', lines: [{ sku: 'MUG', quantity: 2, ordered: 2, lineId: '1' }] }] })],
			}).text,
		);
		writeFileSync(join(folder, 'warehouse/inbound/846/stock-1.edi'), buildInterchange(WAREHOUSE_SIDE, { controlNumber: 503, sets: [write846([{ sku: 'MUG', location: 'WH3PL', onHand: 7 }, { sku: 'CUP', location: 'WH3PL', onHand: 3 }], { reference: 'INV-1', date: '2026-05-02T00:00:00Z' })] }).text);

		// run 2
		const second = await run(wf, storePath, WAREHOUSE_CRED);
		expect(outputOf(second, 'New packages (connect Confirm Shipment)')).toMatchObject([{ omsId: a.omsId, provider: 'edi', carrier: 'UPSN', trackingNumber: '1Z1', packageKey: 'SH-1:1Z1' }]);
		// the 945 branch runs first (n8n v1 order: top to bottom) and its shipment already proved a's 940 arrived
		expect(outputOf(second, 'Acknowledged or rejected 940s').map((r) => [r.omsId, r.outcome])).toEqual([
			[a.omsId, 'already'],
			[b.omsId, 'rejected'],
		]);
		expect(await store.getDelivery(a.omsId)).toMatchObject({ status: 'sent', wmsOrderId: 'SH-1' });
		expect(await store.getDelivery(b.omsId)).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^997 R for 940 0001 in group \d+; AK5 5: one or more segments in error$/) });
		expect((await store.getOrder(a.omsId))!.status).toBe('shipped');
		expect((await store.getOrder(b.omsId))!).toMatchObject({ status: 'on_hold', hold: { reason: 'operator' } });
		expect((await store.getStock(['CUP', 'MUG'])).map((r) => [r.sku, r.location, r.onHand])).toEqual([
			['CUP', 'WH3PL', 3],
			['MUG', 'WH3PL', 7],
		]);
		// Sync Stock's Quantity Changes reach the placeholder for Publish Quantities
		const quantities = outputOf(second, 'Quantities to publish');
		expect(quantities.length).toBeGreaterThan(0);
		expect(new Set(quantities.map((q) => q.sku))).toEqual(new Set(['CUP', 'MUG']));
		for (const q of quantities) expect(q).toMatchObject({ channel: expect.any(String), quantity: expect.any(Number) });
		// no new 940; a 997 for the 945 and one for the 846
		const acks = files(out).filter((f) => f.startsWith('997-'));
		expect(files(out).filter((f) => f.startsWith('940-'))).toHaveLength(2);
		expect(acks).toHaveLength(2);
		const acknowledged = acks.map((f) => {
			const t = readDocument(readFileSync(join(out, f), 'utf8')).transactions[0];
			expect(t.envelope).toMatchObject({ sender: 'ZZ/SELLER', receiver: 'ZZ/WH3PL' });
			return t.data.set === '997' ? [t.data.ack.functionalId, t.data.ack.groupStatus] : null;
		});
		expect(acknowledged.sort()).toEqual([
			['IB', 'A'],
			['SW', 'A'],
		]);

		// run 3: the same files again change nothing and write nothing
		const before = files(out);
		const third = await run(wf, storePath, WAREHOUSE_CRED);
		expect(files(out)).toEqual(before);
		expect(third.runData['New packages (connect Confirm Shipment)']).toBeUndefined(); // nothing reached it
		expect(third.runData['Write 940 File']).toBeUndefined();
		expect(outputOf(third, 'Acknowledged or rejected 940s').map((r) => r.outcome)).toEqual(['already', 'already']);
		expect((await store.getShipments(a.omsId))).toHaveLength(1);
	});

	it('the 940 file written carries the partner’s ISA04 security password; the copy in the store’s outbox does not', async () => {
		const folder = join(work, 'wh-pw');
		mkdirSync(join(folder, 'warehouse/outbound'), { recursive: true });
		for (const d of ['945', '997', '846']) mkdirSync(join(folder, 'warehouse/inbound', d), { recursive: true });
		const storePath = join(work, 'wh-pw.sqlite');
		const store = await storeAt(storePath);
		const o = makeOrder({ channelOrderId: 'WH-PW', lines: [{ lineId: '1', sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 10, lineTotal: 10 }] });
		await store.recordOrder(o);
		await store.setStatus(o.omsId, 'ready');
		const password = 'Wh$Pass9';
		await run(template('edi-warehouse.json', folder), storePath, { ...WAREHOUSE_CRED, securityQualifier: '01', securityInfo: password });
		const out = join(folder, 'warehouse/outbound');
		const [file] = files(out);
		const written = readFileSync(join(out, file), 'utf8');
		expect(readDocument(written, {}).transactions[0].envelope).toBeDefined();
		expect(written.startsWith(`ISA*00*          *01*${password.padEnd(10)}*ZZ*SELLER`)).toBe(true);
		const kept = (await store.getDelivery(o.omsId, 1))!;
		expect(JSON.stringify([kept, await store.timeline(o.omsId)])).not.toContain(password);
		expect((kept.payload as { document: string }).document).toBe(written.replace(password.padEnd(10), ' '.repeat(10)));
	});
});

describe('OMS 9: EDI Retailer template', () => {
	it('an 850 becomes an order with an 855 and a 997; once shipped, an 856 and an 810, each once, only for that retailer', async () => {
		const folder = join(work, 'rt');
		for (const d of ['retailer/outbound', 'retailer/inbound/850']) mkdirSync(join(folder, d), { recursive: true });
		const storePath = join(work, 'rt.sqlite');
		const store = await storeAt(storePath);
		const po = makeOrder({ channel: 'acme', channelOrderId: 'PO-9', orderNumber: 'PO-9', placedAt: '2026-05-01T00:00:00.000Z', updatedAt: '2026-05-01T00:00:00.000Z', channelStatus: 'original', shipping: { level: 'standard', label: null } });
		writeFileSync(join(folder, 'retailer/inbound/850/po-9.edi'), buildInterchange(RETAILER_SIDE, { controlNumber: 900, sets: [write850(po)] }).text);
		const wf = template('edi-retailer.json', folder);
		const out = join(folder, 'retailer/outbound');

		await run(wf, storePath, RETAILER_CRED);
		const recorded = await store.getOrder('acme:PO-9');
		expect(recorded).toMatchObject({ status: 'received', order: { channel: 'acme', channelOrderId: 'PO-9', totals: po.totals } });
		expect(files(out)).toEqual(['855-000000001.edi', '997-000000002.edi'].sort());
		const sets = files(out).map((f) => readDocument(readFileSync(join(out, f), 'utf8'), { partner: { qualifier: 'ZZ', id: 'SELLER' } }).transactions[0].data);
		expect(sets.map((d) => d.set).sort()).toEqual(['855', '997']);
		expect(sets.find((d) => d.set === '855')).toMatchObject({ poAck: { ackType: 'AD', poNumber: 'PO-9' } });

		// the warehouse shipped it (and a Shopify order, which is not this retailer's)
		await store.recordShipment({ omsId: 'acme:PO-9', packageKey: 'P1', provider: 'edi', carrier: 'UPSN', trackingNumber: '1Z9', trackingUrl: null, shippedAt: '2026-05-02T10:00:00.000Z', lines: po.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, lineId: l.lineId })) });
		await store.setStatus('acme:PO-9', 'shipped');
		const other = makeOrder({ channelOrderId: 'SHOP-1' });
		await store.recordOrder(other);
		await store.setStatus(other.omsId, 'shipped');

		await run(wf, storePath, RETAILER_CRED);
		const written = files(out);
		expect(written.filter((f) => f.startsWith('856-'))).toHaveLength(1);
		expect(written.filter((f) => f.startsWith('810-'))).toHaveLength(1);
		expect(written).toHaveLength(4); // no second 855 or 997 for the same 850
		const asn = readDocument(readFileSync(join(out, written.find((f) => f.startsWith('856-'))!), 'utf8'), { partner: { qualifier: 'ZZ', id: 'SELLER' } }).transactions[0].data;
		expect(asn).toMatchObject({ set: '856', shipNotice: { poNumber: 'PO-9', carrier: 'UPSN', packages: [{ trackingNumber: '1Z9' }] } });
		const inv = readDocument(readFileSync(join(out, written.find((f) => f.startsWith('810-'))!), 'utf8'), { partner: { qualifier: 'ZZ', id: 'SELLER' } }).transactions[0].data;
		expect(inv).toMatchObject({ set: '810', invoice: { invoiceNumber: 'PO-9', poNumber: 'PO-9', total: po.totals.total } });

		await run(wf, storePath, RETAILER_CRED);
		expect(files(out)).toEqual(written);
	});
});
