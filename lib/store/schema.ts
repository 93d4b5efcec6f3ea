/**
 * Versioned migrations, run on first use. Each version has the SQL for both stores; the versions are the same on
 * both. A store whose recorded version is newer than LATEST_SCHEMA_VERSION refuses to open (StoreSchemaTooNewError).
 *
 * Times: ISO 8601 UTC text on SQLite (fixed width, so text order is time order), timestamptz on PostgreSQL.
 * Money: integer minor units (total_minor) beside the canonical JSON, so reports sum in SQL exactly.
 */
export interface Migration {
	version: number;
	description: string;
	sqlite: string[];
	postgres: string[];
}

const TEXT_TIME = { sqlite: 'TEXT', postgres: 'TIMESTAMPTZ' } as const;
const JSON_T = { sqlite: 'TEXT', postgres: 'JSONB' } as const;
const SERIAL = { sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT', postgres: 'BIGSERIAL PRIMARY KEY' } as const;
const BIGINT = { sqlite: 'INTEGER', postgres: 'BIGINT' } as const;

function v1(d: 'sqlite' | 'postgres'): string[] {
	const T = TEXT_TIME[d];
	const J = JSON_T[d];
	return [
		`CREATE TABLE orders (
			oms_id TEXT PRIMARY KEY,
			channel TEXT NOT NULL,
			channel_order_id TEXT NOT NULL,
			order_number TEXT,
			placed_at ${T} NOT NULL,
			channel_updated_at ${T} NOT NULL,
			readiness TEXT NOT NULL,
			channel_status TEXT NOT NULL,
			status TEXT NOT NULL,
			hold_reason TEXT,
			hold_since ${T},
			hold_detail TEXT,
			currency TEXT NOT NULL,
			total_minor ${BIGINT[d]} NOT NULL,
			units INTEGER NOT NULL,
			email TEXT,
			ship_address_key TEXT,
			phone TEXT,
			client_ip TEXT,
			ship_country TEXT,
			ship_by ${T},
			shipped_at ${T},
			doc ${J} NOT NULL,
			recorded_at ${T} NOT NULL,
			changed_at ${T} NOT NULL,
			version INTEGER NOT NULL
		)`,
		`CREATE INDEX orders_channel_placed ON orders (channel, placed_at)`,
		`CREATE INDEX orders_placed ON orders (placed_at)`,
		`CREATE INDEX orders_status ON orders (status, placed_at)`,
		`CREATE INDEX orders_email ON orders (email, placed_at)`,
		`CREATE INDEX orders_ship_address ON orders (ship_address_key, placed_at)`,
		`CREATE INDEX orders_phone ON orders (phone, placed_at)`,
		`CREATE INDEX orders_client_ip ON orders (client_ip, placed_at)`,
		`CREATE TABLE order_lines (
			oms_id TEXT NOT NULL,
			line_id TEXT NOT NULL,
			sku TEXT NOT NULL,
			title TEXT,
			quantity INTEGER NOT NULL,
			unit_price_minor ${BIGINT[d]} NOT NULL,
			line_total_minor ${BIGINT[d]} NOT NULL,
			PRIMARY KEY (oms_id, line_id)
		)`,
		`CREATE INDEX order_lines_sku ON order_lines (sku)`,
		`CREATE TABLE events (
			id ${SERIAL[d]},
			oms_id TEXT NOT NULL,
			at ${T} NOT NULL,
			type TEXT NOT NULL,
			from_status TEXT,
			to_status TEXT,
			cause TEXT,
			detail ${J}
		)`,
		`CREATE INDEX events_order ON events (oms_id, id)`,
		`CREATE TABLE stock (
			sku TEXT NOT NULL,
			location TEXT NOT NULL,
			on_hand INTEGER NOT NULL,
			reserved INTEGER NOT NULL DEFAULT 0,
			safety_stock INTEGER NOT NULL DEFAULT 0,
			updated_at ${T} NOT NULL,
			PRIMARY KEY (sku, location)
		)`,
		`CREATE TABLE bundles (
			bundle_sku TEXT NOT NULL,
			component_sku TEXT NOT NULL,
			quantity INTEGER NOT NULL,
			PRIMARY KEY (bundle_sku, component_sku)
		)`,
		`CREATE TABLE reservations (
			id ${SERIAL[d]},
			oms_id TEXT NOT NULL,
			line_id TEXT NOT NULL,
			sku TEXT NOT NULL,
			location TEXT NOT NULL,
			quantity INTEGER NOT NULL,
			status TEXT NOT NULL,
			created_at ${T} NOT NULL,
			updated_at ${T} NOT NULL
		)`,
		`CREATE INDEX reservations_order ON reservations (oms_id, status)`,
		`CREATE INDEX reservations_sku ON reservations (sku, status)`,
		`CREATE TABLE published (
			channel TEXT NOT NULL,
			sku TEXT NOT NULL,
			quantity INTEGER NOT NULL,
			published_at ${T} NOT NULL,
			PRIMARY KEY (channel, sku)
		)`,
		`CREATE TABLE fraud_decisions (
			oms_id TEXT PRIMARY KEY,
			decision TEXT NOT NULL,
			score INTEGER NOT NULL,
			doc ${J} NOT NULL,
			rule_set_version TEXT NOT NULL,
			decided_at ${T} NOT NULL,
			resolution TEXT,
			resolved_by TEXT,
			resolution_note TEXT,
			resolved_at ${T}
		)`,
		`CREATE INDEX fraud_decisions_decision ON fraud_decisions (decision, decided_at)`,
		`CREATE TABLE deliveries (
			id ${SERIAL[d]},
			oms_id TEXT NOT NULL,
			shipment_no INTEGER NOT NULL,
			provider TEXT NOT NULL,
			reference TEXT NOT NULL,
			status TEXT NOT NULL,
			attempts INTEGER NOT NULL DEFAULT 0,
			next_attempt_at ${T},
			lease_until ${T},
			last_error TEXT,
			wms_order_id TEXT,
			payload ${J},
			created_at ${T} NOT NULL,
			updated_at ${T} NOT NULL,
			UNIQUE (oms_id, shipment_no)
		)`,
		`CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at)`,
		`CREATE TABLE shipments (
			oms_id TEXT NOT NULL,
			package_key TEXT NOT NULL,
			provider TEXT NOT NULL,
			carrier TEXT,
			tracking_number TEXT,
			tracking_url TEXT,
			shipped_at ${T},
			lines ${J} NOT NULL,
			recorded_at ${T} NOT NULL,
			PRIMARY KEY (oms_id, package_key)
		)`,
		`CREATE TABLE processed (
			source TEXT NOT NULL,
			id TEXT NOT NULL,
			at ${T} NOT NULL,
			PRIMARY KEY (source, id)
		)`,
		`CREATE TABLE cursors (
			name TEXT PRIMARY KEY,
			value TEXT NOT NULL,
			updated_at ${T} NOT NULL
		)`,
	];
}

/**
 * Published quantities must never go back to an older computation: two executions that reserve the last units
 * at once each compute the channels' new quantities, and the one computed from the older stock could be written
 * last. Each stock row counts its changes (`version`); a published quantity keeps the sum of the versions of the
 * rows it was computed from (`basis`), and is only replaced by one computed from at least as new a basis.
 */
const STOCK_VERSION = [`ALTER TABLE stock ADD COLUMN version INTEGER NOT NULL DEFAULT 1`, `ALTER TABLE published ADD COLUMN basis BIGINT`];

function channelCalls(d: 'sqlite' | 'postgres'): string[] {
	const T = TEXT_TIME[d];
	return [
		`CREATE TABLE channel_calls (
			id ${SERIAL[d]},
			channel TEXT NOT NULL,
			kind TEXT NOT NULL,
			call_key TEXT NOT NULL,
			oms_id TEXT,
			package_key TEXT,
			sku TEXT,
			quantity INTEGER,
			basis ${BIGINT[d]},
			status TEXT NOT NULL,
			attempts INTEGER NOT NULL DEFAULT 0,
			next_attempt_at ${T},
			lease_until ${T},
			last_error TEXT,
			outcome_unknown INTEGER NOT NULL DEFAULT 0,
			reference TEXT,
			payload ${JSON_T[d]},
			version INTEGER NOT NULL DEFAULT 1,
			created_at ${T} NOT NULL,
			updated_at ${T} NOT NULL,
			sent_at ${T},
			UNIQUE (channel, kind, call_key)
		)`,
		`CREATE INDEX channel_calls_due ON channel_calls (channel, status, next_attempt_at)`,
		`CREATE INDEX channel_calls_status ON channel_calls (status, id)`,
	];
}

/**
 * Returns (issue 21), all of their SQL here so that the migration can be renumbered in one place. One row per
 * channel return (return_id = channel:channelReturnId, the idempotency key) with its document, status and the
 * columns reports and the units check read; its lines (the units each order line gets back: summed per order line
 * for the units already returned); its own timeline.
 */
function returnsTables(d: 'sqlite' | 'postgres'): string[] {
	const T = TEXT_TIME[d];
	const J = JSON_T[d];
	return [
		`CREATE TABLE returns (
			return_id TEXT PRIMARY KEY,
			oms_id TEXT NOT NULL,
			channel TEXT NOT NULL,
			channel_return_id TEXT NOT NULL,
			channel_status TEXT NOT NULL,
			channel_updated_at ${T} NOT NULL,
			requested_at ${T} NOT NULL,
			status TEXT NOT NULL,
			units INTEGER NOT NULL,
			refund_status TEXT,
			refund_currency TEXT,
			refund_total_minor ${BIGINT[d]},
			doc ${J} NOT NULL,
			recorded_at ${T} NOT NULL,
			changed_at ${T} NOT NULL,
			version INTEGER NOT NULL
		)`,
		`CREATE INDEX returns_order ON returns (oms_id, requested_at)`,
		`CREATE INDEX returns_channel_requested ON returns (channel, requested_at)`,
		`CREATE INDEX returns_status_changed ON returns (status, changed_at)`,
		`CREATE TABLE return_lines (
			return_id TEXT NOT NULL,
			line_id TEXT NOT NULL,
			oms_id TEXT NOT NULL,
			sku TEXT NOT NULL,
			quantity INTEGER NOT NULL,
			reason TEXT NOT NULL,
			PRIMARY KEY (return_id, line_id)
		)`,
		`CREATE INDEX return_lines_order ON return_lines (oms_id, line_id)`,
		`CREATE INDEX return_lines_sku ON return_lines (sku)`,
		`CREATE TABLE return_events (
			id ${SERIAL[d]},
			return_id TEXT NOT NULL,
			at ${T} NOT NULL,
			type TEXT NOT NULL,
			from_status TEXT,
			to_status TEXT,
			cause TEXT,
			detail ${J}
		)`,
		`CREATE INDEX return_events_return ON return_events (return_id, id)`,
	];
}

/**
 * Calls owed to a WMS about an order it already has (issue 20): cancel a WMS order, update its address. One row per
 * (kind, order, shipment), claimed under a lease and retried like a delivery; `version` counts the times it was owed
 * anew (a newer address, a cancel asked again), so an attempt on an older version is not recorded as the newer one's.
 */
function wmsCalls(d: 'sqlite' | 'postgres'): string[] {
	const T = TEXT_TIME[d];
	const J = JSON_T[d];
	return [
		`CREATE TABLE wms_calls (
			id ${SERIAL[d]},
			kind TEXT NOT NULL,
			oms_id TEXT NOT NULL,
			shipment_no INTEGER NOT NULL,
			provider TEXT NOT NULL,
			reference TEXT NOT NULL,
			wms_order_id TEXT,
			status TEXT NOT NULL,
			attempts INTEGER NOT NULL DEFAULT 0,
			next_attempt_at ${T},
			lease_until ${T},
			last_error TEXT,
			payload ${J},
			answer ${J},
			version INTEGER NOT NULL DEFAULT 1,
			created_at ${T} NOT NULL,
			updated_at ${T} NOT NULL,
			sent_at ${T},
			UNIQUE (kind, oms_id, shipment_no)
		)`,
		`CREATE INDEX wms_calls_due ON wms_calls (status, next_attempt_at)`,
		`CREATE INDEX wms_calls_order ON wms_calls (oms_id)`,
	];
}

/**
 * Restock once (issue 21): one row per return line whose units were restocked, the key that makes a second restock
 * of the line change nothing. While `absorbed_at` is null the units sit on top of the WMS's count (on hand was raised
 * by them); the first WMS count of the cell taken at or after `received_at` includes them and absorbs the row (the
 * rule: lib/store/rules/restock.ts). All of its SQL here, so that the migration can be renumbered in one place.
 */
function returnRestocks(d: 'sqlite' | 'postgres'): string[] {
	const T = TEXT_TIME[d];
	return [
		`CREATE TABLE return_restocks (
			return_id TEXT NOT NULL,
			line_id TEXT NOT NULL,
			sku TEXT NOT NULL,
			location TEXT NOT NULL,
			quantity INTEGER NOT NULL,
			received_at ${T} NOT NULL,
			restocked_at ${T} NOT NULL,
			absorbed_at ${T},
			PRIMARY KEY (return_id, line_id)
		)`,
		`CREATE INDEX return_restocks_pending ON return_restocks (sku, location) WHERE absorbed_at IS NULL`,
	];
}

/**
 * Warehouses (issue 23): one row per stock location that is a warehouse, what routing reads (lib/stock/warehouse.ts):
 * its address, the fulfilment account that serves it (a WMS provider and credential name, or an EDI partner), the
 * channels it may serve (a JSON array; empty: all), a priority, a buffer of units per SKU held back, and whether it
 * is active. All of its SQL here, so that the migration can be renumbered in one place.
 */
function warehouses(d: 'sqlite' | 'postgres'): string[] {
	const T = TEXT_TIME[d];
	const J = JSON_T[d];
	return [
		`CREATE TABLE warehouses (
			location TEXT PRIMARY KEY,
			name TEXT NOT NULL,
			country TEXT NOT NULL,
			postcode TEXT,
			account_kind TEXT,
			provider TEXT,
			credential TEXT,
			edi_partner TEXT,
			channels ${J} NOT NULL,
			priority INTEGER NOT NULL DEFAULT 0,
			buffer INTEGER NOT NULL DEFAULT 0,
			active INTEGER NOT NULL DEFAULT 1,
			created_at ${T} NOT NULL,
			updated_at ${T} NOT NULL
		)`,
	];
}

function ledgerTables(d: 'sqlite' | 'postgres'): string[] {
	const T = TEXT_TIME[d];
	const J = JSON_T[d];
	return [
		// Append-only: a row is never updated or deleted. entry_key is the source event's id (unique), so the same
		// channel event recorded twice is one row. Signs and types: lib/billing/types.ts.
		`CREATE TABLE ledger_entries (
			id ${SERIAL[d]},
			entry_key TEXT NOT NULL UNIQUE,
			oms_id TEXT,
			channel TEXT NOT NULL,
			currency TEXT NOT NULL,
			type TEXT NOT NULL CHECK (type IN ('item_charge', 'discount', 'shipping', 'tax', 'payment', 'refund', 'fee', 'adjustment')),
			subtype TEXT,
			line_id TEXT,
			amount_minor ${BIGINT[d]} NOT NULL,
			payout_id TEXT,
			occurred_at ${T} NOT NULL,
			source TEXT NOT NULL,
			detail ${J},
			recorded_at ${T} NOT NULL
		)`,
		`CREATE INDEX ledger_entries_order ON ledger_entries (oms_id, currency)`,
		`CREATE INDEX ledger_entries_payout ON ledger_entries (channel, payout_id) WHERE payout_id IS NOT NULL`,
		`CREATE TABLE payouts (
			channel TEXT NOT NULL,
			payout_id TEXT NOT NULL,
			account TEXT NOT NULL,
			currency TEXT NOT NULL,
			amount_minor ${BIGINT[d]} NOT NULL,
			status TEXT NOT NULL,
			paid_at ${T},
			detail ${J},
			recorded_at ${T} NOT NULL,
			updated_at ${T} NOT NULL,
			PRIMARY KEY (channel, payout_id)
		)`,
		// Reconcile's flags for a person (the Attention queue): one row per discrepancy (its stable key), open until a
		// reconciliation no longer finds it (resolved_at)
		`CREATE TABLE billing_flags (
			flag_key TEXT PRIMARY KEY,
			kind TEXT NOT NULL,
			channel TEXT NOT NULL,
			oms_id TEXT,
			payout_id TEXT,
			currency TEXT NOT NULL,
			expected_minor ${BIGINT[d]} NOT NULL,
			actual_minor ${BIGINT[d]} NOT NULL,
			difference_minor ${BIGINT[d]} NOT NULL,
			message TEXT NOT NULL,
			first_seen ${T} NOT NULL,
			last_seen ${T} NOT NULL,
			resolved_at ${T}
		)`,
		`CREATE INDEX billing_flags_open ON billing_flags (channel) WHERE resolved_at IS NULL`,
	];
}

export const MIGRATIONS: Migration[] = [
	{ version: 1, description: 'orders, lines, events, stock, reservations, published, fraud, outbox, shipments, idempotency, cursors', sqlite: v1('sqlite'), postgres: v1('postgres') },
	{
		version: 2,
		description: 'reports: covering index for orders by channel and by UTC hour (SQLite), statistics on the UTC hour (PostgreSQL)',
		// lib/report groups orders by (channel, currency) and by (channel, currency, UTC hour) over a placed_at range.
		// On SQLite this index answers both from the index alone, already in GROUP BY order (no table rows read, no
		// sort): 1M orders in well under the 2 s target, where a table scan of the orders (each with its JSON doc)
		// and a sort is several times slower. The expression must stay exactly substr(placed_at, 1, 13) (the report
		// SQL uses the same text).
		sqlite: [
			`CREATE INDEX orders_report_hour ON orders (channel, currency, substr(placed_at, 1, 13), placed_at, status, units, total_minor)`,
		],
		// PostgreSQL: statistics on the UTC hour expression lib/report groups by (date_bin, exactly as in
		// lib/report/reports/byDay.ts), so the planner sees ~24 groups a day (not one per order) and aggregates in
		// parallel. Expression statistics and date_bin need PostgreSQL 14; on older servers nothing is created and
		// the report groups by date_trunc instead, only slower.
		postgres: [
			`DO $$ BEGIN
				IF current_setting('server_version_num')::int >= 140000 THEN
					EXECUTE 'CREATE STATISTICS orders_report_hour ON (date_bin(''1 hour'', placed_at, ''2000-01-01 00:00:00+00''::timestamptz)) FROM orders';
				END IF;
			END $$`,
		],
	},
	{
		version: 3,
		description: 'reservations: drop the unused (sku, status) index',
		// Nothing reads reservations by SKU (stock.reserved is the per-SKU total); the index only cost a b-tree
		// insert per reserved line on the reservation hot path.
		sqlite: ['DROP INDEX IF EXISTS reservations_sku'],
		postgres: ['DROP INDEX IF EXISTS reservations_sku'],
	},
	{
		version: 4,
		description: 'reservations: one row per order (its parts as compact JSON) instead of one row per line and status; stock versions and published bases',
		// A reservation batch wrote a ledger row per line (table and index) plus an idempotency marker per order; on
		// SQLite that cost as much as the stock updates themselves. Now each order has one row, keyed by oms_id
		// (WITHOUT ROWID on SQLite: one b-tree), holding its parts oldest first as
		// [[line_id, sku, location, active, committed, released], ...] (later writes use a shorter row for a plain part;
		// lib/stock/reservation.ts partsToJson writes it, partsFromJson reads both forms),
		// and `active`, the sum of active units, beside it. The row's existence is the 'reserved once' marker, so
		// the processed('reserve') markers are folded in and removed.
		sqlite: [
			`CREATE TABLE reservations_v4 (
				oms_id TEXT PRIMARY KEY,
				parts TEXT NOT NULL,
				active INTEGER NOT NULL,
				updated_at TEXT NOT NULL
			) WITHOUT ROWID`,
			`INSERT INTO reservations_v4 (oms_id, parts, active, updated_at)
			 SELECT oms_id, json_group_array(json_array(line_id, sku, location, active, committed, released)), SUM(active), MAX(updated_at)
			 FROM (
				SELECT oms_id, line_id, sku, location, MIN(id) AS first, MAX(updated_at) AS updated_at,
					SUM(CASE WHEN status = 'active' THEN quantity ELSE 0 END) AS active,
					SUM(CASE WHEN status = 'committed' THEN quantity ELSE 0 END) AS committed,
					SUM(CASE WHEN status = 'released' THEN quantity ELSE 0 END) AS released
				FROM reservations GROUP BY oms_id, line_id, sku, location ORDER BY oms_id, first
			 )
			 GROUP BY oms_id`,
			`INSERT INTO reservations_v4 (oms_id, parts, active, updated_at)
			 SELECT id, '[]', 0, at FROM processed WHERE source = 'reserve' AND id NOT IN (SELECT oms_id FROM reservations_v4)`,
			`DELETE FROM processed WHERE source = 'reserve'`,
			`DROP TABLE reservations`,
			`ALTER TABLE reservations_v4 RENAME TO reservations`,
			...STOCK_VERSION,
		],
		postgres: [
			`CREATE TABLE reservations_v4 (
				oms_id TEXT PRIMARY KEY,
				parts JSONB NOT NULL,
				active INTEGER NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`INSERT INTO reservations_v4 (oms_id, parts, active, updated_at)
			 SELECT oms_id, jsonb_agg(jsonb_build_array(line_id, sku, location, active, committed, released) ORDER BY first), SUM(active), MAX(updated_at)
			 FROM (
				SELECT oms_id, line_id, sku, location, MIN(id) AS first, MAX(updated_at) AS updated_at,
					SUM(CASE WHEN status = 'active' THEN quantity ELSE 0 END)::int AS active,
					SUM(CASE WHEN status = 'committed' THEN quantity ELSE 0 END)::int AS committed,
					SUM(CASE WHEN status = 'released' THEN quantity ELSE 0 END)::int AS released
				FROM reservations GROUP BY oms_id, line_id, sku, location
			 ) AS g
			 GROUP BY oms_id`,
			`INSERT INTO reservations_v4 (oms_id, parts, active, updated_at)
			 SELECT id, '[]'::jsonb, 0, at FROM processed WHERE source = 'reserve' AND id NOT IN (SELECT oms_id FROM reservations_v4)`,
			`DELETE FROM processed WHERE source = 'reserve'`,
			`DROP TABLE reservations`,
			`ALTER TABLE reservations_v4 RENAME TO reservations`,
			`ALTER TABLE reservations RENAME CONSTRAINT reservations_v4_pkey TO reservations_pkey`,
			...STOCK_VERSION,
		],
	},
	{
		version: 5,
		description: 'EDI X12: control numbers per sender/receiver scope (ISA13, GS06), so they never repeat',
		sqlite: [
			`CREATE TABLE edi_control_numbers (
				scope TEXT PRIMARY KEY,
				last_number INTEGER NOT NULL,
				updated_at TEXT NOT NULL
			)`,
		],
		postgres: [
			`CREATE TABLE edi_control_numbers (
				scope TEXT PRIMARY KEY,
				last_number BIGINT NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
		],
	},
	{
		version: 6,
		description: 'orders by status and last change: the recovery sweep and the Attention queue find stuck orders with one index seek',
		sqlite: [`CREATE INDEX orders_status_changed ON orders (status, changed_at)`],
		postgres: [`CREATE INDEX orders_status_changed ON orders (status, changed_at)`],
	},
	{
		version: 7,
		description: 'channel outbox: shipment confirmations and quantity pushes owed to the sales channels',
		// One row per call owed: a confirmation per (channel, order, package), a quantity per (channel, SKU), so the
		// unique key is what makes a confirmation go once and a newer quantity replace the owed one (call_key: the
		// JSON array [omsId, packageKey] or the SKU). `version` counts those replacements; `quantity` orders retries
		// lowest first.
		sqlite: channelCalls('sqlite'),
		postgres: channelCalls('postgres'),
	},
	{ version: 8, description: 'returns: the canonical return, its lines and its timeline', sqlite: returnsTables('sqlite'), postgres: returnsTables('postgres') },
	{ version: 9, description: 'WMS calls: cancels and address updates owed to a WMS, through the outbox', sqlite: wmsCalls('sqlite'), postgres: wmsCalls('postgres') },
	{ version: 10, description: 'returns: restocked return lines, pending until a WMS count absorbs them (restock once)', sqlite: returnRestocks('sqlite'), postgres: returnRestocks('postgres') },
	{ version: 11, description: "billing: the order's ledger (append-only money entries, one per source event), the channels' payouts, and reconciliation's open flags", sqlite: ledgerTables('sqlite'), postgres: ledgerTables('postgres') },
	{ version: 12, description: 'warehouses: address, fulfilment account, channels, priority and buffer per stock location (routing)', sqlite: warehouses('sqlite'), postgres: warehouses('postgres') },
	{
		version: 13,
		description: "returns reports: an order's units in its packages (units_packed), so units shipped need no JSON per order",
		// The returns reports count the units shipped of the orders placed in the period: the units in an order's packages
		// (at most those ordered), or all of them for an order shipped or delivered without packages (lib/returns/units.ts).
		// Reading each order's packages' JSON made that 6-7 s over 1,000,000 orders (bench/report/returns.ts); the store
		// now adds a package's units to orders.units_packed as it records the package (NULL: no package with lines yet).
		// SQLite: a covering index answers the units-shipped query from the index alone (placed_at range first).
		sqlite: [
			`ALTER TABLE orders ADD COLUMN units_packed INTEGER`,
			unitsPackedBackfill('sqlite'),
			`CREATE INDEX orders_report_shipped ON orders (placed_at, channel, currency, status, units, units_packed)`,
		],
		postgres: [`ALTER TABLE orders ADD COLUMN units_packed INTEGER`, unitsPackedBackfill('postgres')],
	},
];

/** Every order's units_packed from the packages (shipments) recorded: the migration's backfill (and bench/report's). */
export function unitsPackedBackfill(d: 'sqlite' | 'postgres'): string {
	return d === 'sqlite'
		? `UPDATE orders SET units_packed = (SELECT SUM(json_extract(x.value, '$.quantity')) FROM shipments s, json_each(s.lines) x WHERE s.oms_id = orders.oms_id)
			WHERE oms_id IN (SELECT oms_id FROM shipments)`
		: `UPDATE orders o SET units_packed = t.packed
			FROM (SELECT s.oms_id, SUM((x ->> 'quantity')::bigint) AS packed FROM shipments s CROSS JOIN LATERAL jsonb_array_elements(s.lines) x GROUP BY s.oms_id) t
			WHERE t.oms_id = o.oms_id`;
}

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export class StoreSchemaTooNewError extends Error {
	constructor(where: string, found: number, supported: number) {
		super(
			`The OMS store at ${where} has schema version ${found}, newer than this n8n-nodes-oms-wms supports (${supported}). ` +
				`It was opened by a newer version of the package: upgrade n8n-nodes-oms-wms on every n8n process, or point this one at another store.`,
		);
		this.name = 'StoreSchemaTooNewError';
	}
}
