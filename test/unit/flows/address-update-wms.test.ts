/**
 * Apply Channel Change with each real WMS client against the WMS sandbox (issue 20): a new ship-to address for an
 * order the WMS has and has not picked is updated there (address_updated); once the WMS has picked it, though the OMS
 * still reads at_wms (its pull has not run yet), the WMS refuses and the order is held `address` with the WMS's words.
 * SQLite only: the store's side is the same on PostgreSQL (test/unit/flows/apply-channel-change.test.ts runs both).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyChannelChange, pushOrder } from '../../../lib/flows';
import type { CanonicalOrder } from '../../../lib/order/types';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { createWmsProvider } from '../../../lib/wms';
import type { WmsProvider } from '../../../lib/wms/types';
import { startWmsSandbox, SANDBOX_CREDENTIALS, type SandboxProvider, type WmsSandbox } from '../../sandbox/wms';
import { testDeps } from '../wms/fixtures';
import { makeOrder } from '../../helpers/orders';

const PICKED = 61_000; // the sandbox picks 60 s after creation

let dir: string;
let store: Store;
let sb: WmsSandbox;
let providers: Record<SandboxProvider, WmsProvider>;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'oms-addr-'));
	store = await openSqliteStore(join(dir, 'oms.sqlite'));
	await store.upsertStockLevels([{ sku: 'SKU-1', onHand: 1000 }]);
	sb = await startWmsSandbox({ shipbob: { rateLimit: false }, shiphero: { credits: false } });
	sb.control.seedStock({ 'SKU-1': 1000 });
	const deps = () => testDeps({ rateLimit: false });
	const c = SANDBOX_CREDENTIALS;
	providers = {
		shipbob: createWmsProvider('shipbob', { baseUrl: sb.baseUrls.shipbob, token: c.shipbob.token, channelId: c.shipbob.channelId }, deps()),
		shiphero: createWmsProvider('shiphero', { baseUrl: sb.baseUrls.shiphero, ...c.shiphero }, deps()),
		extensiv: createWmsProvider('extensiv', { baseUrl: sb.baseUrls.extensiv, ...c.extensiv, customerId: 1, facilityId: 1 }, deps()),
		generic: createWmsProvider('generic', { baseUrl: sb.baseUrls.generic, authHeaderName: c.generic.headerName, authHeaderValue: c.generic.apiKey }, deps()),
	};
});
afterAll(async () => {
	await sb.close();
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

let t = 0;
/** A newer version of the order from the channel, with a new street and city */
const moved = (o: CanonicalOrder, street: string) => ({ ...o, shipTo: { ...o.shipTo!, line1: street, city: 'Kingston' }, updatedAt: new Date(Date.parse(o.updatedAt) + ++t * 60_000).toISOString() });

/** An order recorded, reserved and sent to this provider's sandbox (at_wms) */
async function atWms(provider: SandboxProvider): Promise<CanonicalOrder> {
	const o = makeOrder();
	await store.recordOrder(o);
	await store.reserve([{ omsId: o.omsId, lines: [{ lineId: '1', sku: 'SKU-1', quantity: 2 }], allowPartial: true }]);
	await store.transition(o.omsId, { to: 'ready', cause: 'allocated' });
	const pushed = await pushOrder(store, providers[provider], o);
	expect([pushed.outcome, (await store.getOrder(o.omsId))!.status]).toEqual(['created', 'at_wms']);
	return o;
}

/** The street of the order's ship-to as the sandbox holds it, in that WMS's own field names */
function streetAtWms(provider: SandboxProvider, reference: string): unknown {
	const shipTo = sb.control.ordersByReference(provider, reference)[0].shipTo as Record<string, Record<string, unknown> | unknown>;
	if (provider === 'shipbob') return (shipTo.address as Record<string, unknown>).address1;
	return shipTo.address1;
}

describe.each(['shiphero', 'extensiv', 'generic', 'shipbob'] as const)('Apply Channel Change, new address, %s against the sandbox', (provider) => {
	it('before pick: the WMS order gets the new address (address_updated), no hold', async () => {
		const o = await atWms(provider);
		const rec = await store.recordOrder(moved(o, '2 New St'));
		expect(rec.changes).toContain('shipTo');
		const wms = (name: string) => (name === provider ? providers[provider] : undefined);
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes, wms });
		expect([r.action, r.route, r.status, r.hold]).toEqual(['address_updated', 'done', 'at_wms', null]);
		expect(streetAtWms(provider, o.omsId)).toBe('2 New St');
		expect(sb.control.addressUpdates().filter((u) => u.reference === o.omsId)).toHaveLength(1);
	});

	it('picked at the WMS while the OMS still reads at_wms: the WMS refuses, the order is held (address) with its words', async () => {
		const o = await atWms(provider);
		sb.control.advance(PICKED);
		const rec = await store.recordOrder(moved(o, '3 Late St'));
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes, wms: () => providers[provider] });
		expect([r.action, r.route, r.status, r.hold?.reason]).toEqual(['address_held', 'held', 'at_wms', 'address']);
		const words = { shiphero: /Order is locked \(already picked\)/, extensiv: /Extensiv has the order picked \(pickDoneDate /, generic: /409: already_picked/, shipbob: /422: .*already picked/ }[provider];
		expect(r.wmsMessage).toMatch(words);
		expect(r.hold!.detail).toMatch(words);
		expect(streetAtWms(provider, o.omsId)).toBe('1 Main St');
		expect(sb.control.addressUpdates().filter((u) => u.reference === o.omsId)).toHaveLength(0);
	});
});

describe('Apply Channel Change, new address, a Generic REST WMS with address updates off', () => {
	it('no call to the WMS: the order is held (address) for a person', async () => {
		const o = await atWms('generic');
		const c = SANDBOX_CREDENTIALS.generic;
		const off = createWmsProvider('generic', { baseUrl: sb.baseUrls.generic, authHeaderName: c.headerName, authHeaderValue: c.apiKey, addressUpdates: false }, testDeps({ rateLimit: false }));
		const before = sb.control.calls({ provider: 'generic' }).length;
		const rec = await store.recordOrder(moved(o, '4 Other St'));
		const r = await applyChannelChange(store, rec.stored.order as never, { by: 'test', changes: rec.changes, wms: () => off });
		expect([r.action, r.hold?.reason]).toEqual(['address_held', 'address']);
		expect(r.hold!.detail).toMatch(/offers no address update/);
		expect(sb.control.calls({ provider: 'generic' }).length).toBe(before);
	});
});
