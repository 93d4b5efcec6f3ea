/**
 * The in-memory fake and the real store (SQLite) answer velocity questions alike, so the decisions tested with the
 * fake are the decisions the node makes with store.velocity.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { backtest, DEFAULT_RULE_SET, memoryVelocity, screenOrder, type VelocityLookup } from '../../../lib/fraud';
import { openSqliteStore } from '../../../lib/store/sqlite';
import type { Store } from '../../../lib/store/types';
import { order } from './helpers';

let dir: string;
let store: Store;
beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'oms-fraud-'));
	store = await openSqliteStore(join(dir, 'oms.sqlite'));
});
afterAll(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

const T0 = DateTime.fromISO('2026-05-01T12:00:00Z', { zone: 'utc' });
const at = (h: number) => T0.plus({ hours: h }).toISO()!;

it('gives the same decisions and scores with store.velocity as with the in-memory lookup', async () => {
	const ring = { line1: '742 Evergreen Terrace', line2: 'Apt 3', city: 'Springfield', region: 'OR', postalCode: '97477', country: 'US' };
	const orders = [
		order({ channel: 'shopify', channelOrderId: 's1', placedAt: at(0), customer: { email: 'a1@example.net', phone: '+15415550172' }, shipTo: { ...order().shipTo!, ...ring } }),
		order({ channel: 'amazon', channelOrderId: 'a1', placedAt: at(1), customer: { email: 'a2@example.net', phone: '+15415550172' }, shipTo: { ...order().shipTo!, ...ring } }),
		order({ channel: 'ebay', channelOrderId: 'e1', placedAt: at(2), customer: { email: 'a3@example.net', phone: '+1 541 555 0172' }, shipTo: { ...order().shipTo!, ...ring, line1: '742 Evergreen Ter.' } }),
		order({ channel: 'walmart', channelOrderId: 'w1', placedAt: at(3), customer: { email: 'a4@example.net', phone: '+1 (541) 555-0172' }, shipTo: { ...order().shipTo!, ...ring, line2: 'Apartment 3' } }),
		order({ channel: 'woocommerce', channelOrderId: 'c1', placedAt: at(4), customer: { email: 'A1@Example.net', phone: null }, totals: { total: 2500 } }),
		order({ channel: 'shopify', channelOrderId: 's2', placedAt: at(30), customer: { email: 'a1@example.net', phone: '+15415550172' }, shipTo: { ...order().shipTo!, ...ring } }),
	];
	for (const o of orders) expect((await store.recordOrder(o)).outcome).toBe('new');
	const fake = memoryVelocity(orders);
	const real: VelocityLookup = (q) => store.velocity(q);

	for (const o of orders) {
		const now = DateTime.fromISO(o.placedAt).plus({ minutes: 5 });
		const a = await screenOrder(o, DEFAULT_RULE_SET, { velocity: fake, now });
		const b = await screenOrder(o, DEFAULT_RULE_SET, { velocity: real, now });
		expect([o.omsId, b.decision, b.score, b.reasons.map((r) => r.rule)]).toEqual([o.omsId, a.decision, a.score, a.reasons.map((r) => r.rule)]);
	}
	// the fourth order at the ring address is the one that goes over 3 in 24 hours
	const fourth = await screenOrder(orders[3], DEFAULT_RULE_SET, { velocity: real, now: at(3.1) });
	expect(fourth.reasons.map((r) => r.detail)).toEqual([
		'4 orders from this shipping address in the last 24 hours (limit 3), across amazon, ebay, shopify, walmart',
		'4 orders from this phone number in the last 24 hours (limit 3), across amazon, ebay, shopify, walmart',
	]);
	expect(fourth).toMatchObject({ decision: 'review', score: 75 });

	const viaStore = await backtest(orders, DEFAULT_RULE_SET, { velocity: real });
	const viaFake = await backtest(orders, DEFAULT_RULE_SET, { velocity: fake });
	expect(viaStore).toEqual(viaFake);
	expect(viaStore).toMatchObject({ total: 6, pass: 5, review: 1, reject: 0 });
});
