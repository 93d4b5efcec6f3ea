/**
 * Every provider through the outbox: a WMS down for a window, a lost answer and a slow one; after recovery every
 * order reaches the WMS exactly once (counted in the sandbox), then status and tracking come back by cursor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWmsSandbox, SANDBOX_CREDENTIALS, type SandboxProvider, type WmsSandbox } from '../../sandbox/wms';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { createWmsProvider, type WmsProvider } from '../../../lib/wms';
import { pullUpdates, pushOrder, retryPending } from '../../../lib/flows';
import { order, testDeps } from './fixtures';

const T0 = '2026-05-01T00:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

function providerFor(name: SandboxProvider, sb: WmsSandbox): WmsProvider {
	const deps = testDeps({ rateLimit: false, retry: { maxAttempts: 2, sleep: async () => undefined, random: () => 0 } });
	const C = SANDBOX_CREDENTIALS;
	switch (name) {
		case 'shipbob':
			return createWmsProvider('shipbob', { baseUrl: sb.baseUrls.shipbob, ...C.shipbob }, deps);
		case 'shiphero':
			return createWmsProvider('shiphero', { baseUrl: sb.baseUrls.shiphero, ...C.shiphero }, deps);
		case 'extensiv':
			return createWmsProvider('extensiv', { baseUrl: sb.baseUrls.extensiv, ...C.extensiv, customerId: 1, facilityId: 1 }, deps);
		case 'generic':
			return createWmsProvider('generic', { baseUrl: sb.baseUrls.generic, authHeaderName: C.generic.headerName, authHeaderValue: C.generic.apiKey }, deps);
	}
}

const CREATE_MATCH: Record<SandboxProvider, string> = {
	shipbob: 'POST /2026-01/order',
	shiphero: 'order_create',
	extensiv: 'POST /orders',
	generic: 'POST /orders',
};

describe.each(['shipbob', 'shiphero', 'extensiv', 'generic'] as SandboxProvider[])('%s through the outbox', (name) => {
	let sb: WmsSandbox;
	let store: Store;
	let dir: string;
	beforeEach(async () => {
		dir = mkdtempSync(join(tmpdir(), `wms-rel-${name}-`));
		store = await openSqliteStore(join(dir, 'oms.sqlite'));
		sb = await startWmsSandbox({ shipbob: { rateLimit: false }, shiphero: { credits: false }, packaging: 'per_line' });
	});
	afterEach(async () => {
		await sb.close();
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('down window, lost answer, slow answer: every order reaches the WMS exactly once; tracking comes back', async () => {
		const p = providerFor(name, sb);
		const orders = [];
		for (let i = 1; i <= 5; i++) {
			const o = order(`${name}-${i}`, [{ sku: 'MUG', quantity: 1, lineId: 'l1' }, { sku: 'TEE', quantity: 2, lineId: 'l2' }]);
			await store.recordOrder(o);
			await store.setStatus(o.omsId, 'ready');
			orders.push(o);
		}
		sb.control.down(name);
		for (const o of orders) expect((await pushOrder(store, p, o, { now: T0 })).outcome).toBe('retry_scheduled');
		sb.control.up();
		sb.control.fault({ provider: name, match: CREATE_MATCH[name], kind: 'timeout_after_commit', hangMs: 2000 });
		sb.control.fault({ provider: name, match: CREATE_MATCH[name], kind: 'slow', delayMs: 100 });
		let s = await retryPending(store, { [name]: p }, { now: at(3_600_000) });
		expect(s.claimed).toBe(5);
		for (let round = 2; s.retryScheduled > 0 && round < 6; round++) s = await retryPending(store, { [name]: p }, { now: at(round * 3_600_000) });
		for (const o of orders) {
			expect(sb.control.ordersByReference(name, o.omsId)).toHaveLength(1);
			expect((await store.getDelivery(o.omsId, 1))!.status).toBe('sent');
			expect((await store.getOrder(o.omsId))!.status).toBe('at_wms');
		}
		expect(sb.control.orders(name)).toHaveLength(5);

		sb.control.advance(10 * 60_000);
		const pulled = await pullUpdates(store, p);
		expect(pulled.cursor).not.toBeNull();
		for (const o of orders) {
			expect((await store.getOrder(o.omsId))!.status).toBe('shipped');
			const ships = await store.getShipments(o.omsId);
			expect(ships).toHaveLength(2);
			expect(ships.map((x) => x.lines[0]).sort((a, b) => a.sku.localeCompare(b.sku))).toEqual([
				{ sku: 'MUG', quantity: 1, lineId: 'l1' },
				{ sku: 'TEE', quantity: 2, lineId: 'l2' },
			]);
			expect(ships.every((x) => x.trackingNumber && x.carrier)).toBe(true);
		}
		expect(pulled.newShipments).toHaveLength(10);
		expect((await pullUpdates(store, p)).newShipments).toHaveLength(0);
	});
});
