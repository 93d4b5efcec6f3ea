import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWmsSandbox, SANDBOX_CREDENTIALS, type WmsSandbox } from '../../sandbox/wms';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { createExtensivProvider } from '../../../lib/wms/extensiv';
import { pushOrder, retryPending } from '../../../lib/flows';
import type { WmsProvider } from '../../../lib/wms/types';
import { order, testDeps } from './fixtures';

const T0 = '2026-05-01T00:00:00.000Z';

/** A fault that holds the matching call's answer: `out` resolves when the call is at the WMS, `release()` lets the answer go */
function holdAnswer(sb: WmsSandbox, match: string) {
	let arrived!: () => void;
	const out = new Promise<void>((r) => (arrived = r));
	let release!: () => void;
	const released = new Promise<void>((r) => (release = r));
	sb.control.fault({ provider: 'extensiv', match, kind: 'slow', hold: () => (arrived(), released) });
	return { out, release };
}

describe('pushOrder racing retryPending on one brand-new delivery (Extensiv, no server-side dedup)', () => {
	let sb: WmsSandbox;
	let p: WmsProvider;
	let store: Store;
	let dir: string;
	beforeEach(async () => {
		dir = mkdtempSync(join(tmpdir(), 'wms-race-'));
		store = await openSqliteStore(join(dir, 'oms.sqlite'));
		sb = await startWmsSandbox({ extensiv: { rejectDuplicates: false } });
		p = createExtensivProvider(
			{ baseUrl: sb.baseUrls.extensiv, ...SANDBOX_CREDENTIALS.extensiv, customerId: 1, facilityId: 1 },
			testDeps({ rateLimit: false, retry: { maxAttempts: 1 } }),
		);
	});
	afterEach(async () => {
		await sb.close();
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('the push holds the lease while it calls the WMS: the retry claims nothing, one WMS order', async () => {
		const o = order('race-1');
		await store.recordOrder(o);
		await store.setStatus(o.omsId, 'ready');
		// the push's reference look-up is held at the WMS until the retry has run: the retry runs while the push is
		// still talking to the WMS
		const lookup = holdAnswer(sb, 'GET /orders');
		const push = pushOrder(store, p, o, { now: T0 });
		await lookup.out;
		const retry = await retryPending(store, { extensiv: p }, { now: T0 });
		expect(retry.claimed).toBe(0);
		lookup.release();
		const r = await push;
		expect(r.outcome).toBe('created');
		expect(sb.control.ordersByReference('extensiv', o.omsId)).toHaveLength(1);
		expect(sb.control.calls({ provider: 'extensiv', method: 'POST', path: '/orders' })).toHaveLength(1);
		// and afterwards neither sends it again
		expect((await pushOrder(store, p, o, { now: T0 })).outcome).toBe('already_sent');
		expect((await retryPending(store, { extensiv: p }, { now: T0 })).claimed).toBe(0);
		expect(sb.control.ordersByReference('extensiv', o.omsId)).toHaveLength(1);
	});

	it('a push that finds the delivery leased by a running retry answers queued without calling the WMS', async () => {
		const o = order('race-2');
		await store.recordOrder(o);
		await store.setStatus(o.omsId, 'ready');
		sb.control.down('extensiv');
		expect((await pushOrder(store, p, o, { now: T0, backoff: { random: () => 0 } })).outcome).toBe('retry_scheduled');
		sb.control.up();
		sb.control.clearCalls();
		// the retry's reference look-up is held at the WMS until the push has answered
		const lookup = holdAnswer(sb, 'GET /orders');
		const later = new Date(Date.parse(T0) + 60_000).toISOString();
		const retry = retryPending(store, { extensiv: p }, { now: later });
		await lookup.out;
		const again = await pushOrder(store, p, o, { now: later, sendQueued: true });
		expect(again.outcome).toBe('queued');
		lookup.release();
		expect((await retry).sent).toBe(1);
		expect(sb.control.ordersByReference('extensiv', o.omsId)).toHaveLength(1);
		expect(sb.control.calls({ provider: 'extensiv', method: 'POST', path: '/orders' })).toHaveLength(1);
	});
	it('a Retry Pending without a client for a delivery’s provider leaves it pending and spends none of its attempts', async () => {
		const o = order('other-wms');
		await store.recordOrder(o);
		await store.setStatus(o.omsId, 'ready');
		await store.enqueueDelivery({ omsId: o.omsId, shipmentNo: 1, provider: 'shipbob', reference: o.omsId });
		for (let k = 0; k < 10; k++) {
			const at = new Date(Date.parse(T0) + k * 3_600_000).toISOString();
			// given its providers by name, it does not even claim another provider's delivery
			const s = await retryPending(store, { extensiv: p }, { now: at });
			expect(s).toMatchObject({ claimed: 0, skipped: 0, sent: 0, failed: 0, retryScheduled: 0 });
			// given a lookup (no names), it claims, finds no client, and leaves it as it was
			const t = await retryPending(store, (name) => (name === 'extensiv' ? p : undefined), { now: at });
			expect(t).toMatchObject({ claimed: 1, skipped: 1, sent: 0, failed: 0, retryScheduled: 0 });
			expect(t.results[0]).toMatchObject({ outcome: 'queued', error: expect.stringMatching(/no shipbob provider/) });
		}
		expect(await store.getDelivery(o.omsId, 1)).toMatchObject({ status: 'pending', attempts: 0 });
		expect(sb.control.calls({ provider: 'extensiv', method: 'POST' })).toHaveLength(0);
	});
});
