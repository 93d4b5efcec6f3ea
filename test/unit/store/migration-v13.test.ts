/**
 * Schema 13 keeps each order's units in its packages (orders.units_packed), which the returns reports count as
 * shipped. A store written before it must open with the packages already recorded counted (NULL where an order has
 * none), and every package recorded after adds its units once, on both stores.
 */
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../lib/store/schema';
import type { Store } from '../../../lib/store/types';
import { postgresFrom, sqliteFrom } from './older-schema';

const T = '2026-05-01T10:00:00.000Z';
const order = (id: string, units: number) =>
	`INSERT INTO orders (oms_id, channel, channel_order_id, placed_at, channel_updated_at, readiness, channel_status, status, currency, total_minor, units, doc, recorded_at, changed_at, version)
		VALUES ('shopify:${id}', 'shopify', '${id}', '${T}', '${T}', 'ready', 'paid', 'shipped', 'USD', 1000, ${units}, '{}', '${T}', '${T}', 1)`;
const pkg = (id: string, key: string, lines: string) =>
	`INSERT INTO shipments (oms_id, package_key, provider, carrier, tracking_number, tracking_url, shipped_at, lines, recorded_at)
		VALUES ('shopify:${id}', '${key}', 'shipbob', 'UPS', NULL, NULL, '${T}', '${lines}', '${T}')`;
/** Before schema 13: O1 with two packages (2 + 1 units over two SKUs), O2 without any */
const BEFORE = [
	order('O1', 4),
	order('O2', 2),
	pkg('O1', 'P1', '[{"sku":"A","quantity":2,"lineId":"1"}]'),
	pkg('O1', 'P2', '[{"sku":"B","quantity":1}]'),
];
const PREVIOUS = Math.max(...MIGRATIONS.filter((m) => m.version < 13).map((m) => m.version));

async function expectMigrated(store: Store): Promise<void> {
	expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
	const packed = async () =>
		(await store.query<{ oms_id: string; units_packed: unknown }>('SELECT oms_id, units_packed FROM orders ORDER BY oms_id')).map((r) => [
			r.oms_id,
			r.units_packed === null ? null : Number(r.units_packed),
		]);
	expect(await packed()).toEqual([
		['shopify:O1', 3],
		['shopify:O2', null],
	]);
	// a package recorded now adds its units once; the same package again adds nothing
	const p = {
		omsId: 'shopify:O2',
		packageKey: 'P3',
		provider: 'shipbob',
		carrier: 'UPS',
		trackingNumber: null,
		trackingUrl: null,
		shippedAt: T,
		lines: [{ sku: 'A', quantity: 1 }],
	};
	await store.recordShipment(p);
	await store.recordShipment(p);
	expect(await packed()).toEqual([
		['shopify:O1', 3],
		['shopify:O2', 1],
	]);
}

describe('schema 13: orders keep the units in their packages', () => {
	it('SQLite: a store of the previous schema opens with its packages counted', () => sqliteFrom(PREVIOUS, BEFORE, expectMigrated));
	it('PostgreSQL: a store of the previous schema opens with its packages counted', () => postgresFrom(PREVIOUS, BEFORE, expectMigrated));
});
