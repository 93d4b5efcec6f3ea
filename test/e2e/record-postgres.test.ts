/**
 * Issue 2, layer 3, PostgreSQL: the same record-and-read workflow in a real n8n, with the omsOrder nodes set to an
 * `omsStoreApi` credential (imported with `n8n import:credentials`, encrypted by n8n) that selects PostgreSQL,
 * as queue mode needs. scripts/run-e2e.sh starts the throwaway PostgreSQL and sets OMS_TEST_PG_URL; without it
 * this test fails rather than skips.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { N8n, type WorkflowJson } from './harness/n8n';

jest.setTimeout(300_000);

function pgUrl(): URL {
	const url = process.env.OMS_TEST_PG_URL;
	if (!url) throw new Error('OMS_TEST_PG_URL is not set: run "npm run test:e2e" (it starts PostgreSQL) or set it yourself');
	return new URL(url);
}

describe('real n8n: omsOrder on a PostgreSQL store chosen by the OMS Store credential', () => {
	let n8n: N8n;
	const schema = `e2e_${randomBytes(4).toString('hex')}`;
	const channelOrderId = `pg${Date.now()}`;
	const order = {
		omsId: `woocommerce:${channelOrderId}`,
		channel: 'woocommerce',
		channelOrderId,
		orderNumber: '1042',
		placedAt: '2026-05-03T10:00:00Z',
		updatedAt: '2026-05-03T10:00:00Z',
		channelStatus: 'processing',
		readiness: 'ready',
		currency: 'EUR',
		totals: { subtotal: 30, shipping: 5, tax: 6.65, discount: 0, total: 41.65 },
		customer: { email: 'c@example.com', name: 'C D', phone: null, channelCustomerId: null },
		shipTo: { name: 'C D', company: null, line1: 'Hauptstr. 1', line2: null, city: 'Berlin', region: null, postalCode: '10115', country: 'DE', phone: null },
		billTo: null,
		shipping: { level: 'standard', label: 'DHL Paket' },
		lines: [{ lineId: '7', sku: 'SKU-DE-1', title: 'Teapot', quantity: 1, unitPrice: 30, lineTotal: 30 }],
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
	};

	beforeAll(async () => {
		const url = pgUrl();
		const admin = new Client({ connectionString: url.toString() });
		await admin.connect();
		try {
			await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
		} finally {
			await admin.end();
		}

		n8n = await N8n.create({ name: 'record-postgres' });
		const [credential] = await n8n.importCredentials([
			{
				name: 'OMS store (PostgreSQL, e2e)',
				type: 'omsStoreApi',
				data: {
					storeType: 'postgres',
					host: url.hostname,
					port: Number(url.port),
					database: decodeURIComponent(url.pathname.slice(1)),
					user: decodeURIComponent(url.username),
					password: decodeURIComponent(url.password),
					ssl: 'disable',
					schema,
				},
			},
		]);
		const workflow = JSON.parse(readFileSync(join(__dirname, 'workflows', 'record-and-read.json'), 'utf8')) as WorkflowJson;
		for (const node of workflow.nodes) {
			if (node.type === 'n8n-nodes-oms-wms.omsOrder') node.credentials = { omsStoreApi: { id: credential.id, name: credential.name } };
		}
		await n8n.importWorkflow(workflow);
		await n8n.start();
	});

	afterAll(async () => {
		await n8n?.stop();
		const admin = new Client({ connectionString: pgUrl().toString() });
		await admin.connect();
		try {
			await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
		} finally {
			await admin.end();
		}
	});

	it('records the order as New in PostgreSQL and reads it back, then calls the repeat a Duplicate', async () => {
		const first = await n8n.postWebhook('oms-e2e-record', order);
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({ outcome: 'new', order: { omsId: order.omsId, currency: 'EUR', totals: order.totals } });

		const second = await n8n.postWebhook('oms-e2e-record', order);
		expect(second.status).toBe(200);
		expect(second.body).toMatchObject({ outcome: 'duplicate', order: { omsId: order.omsId } });
	});

	it('keeps the order in the PostgreSQL schema of the credential', async () => {
		const client = new Client({ connectionString: pgUrl().toString() });
		await client.connect();
		try {
			const tables = await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
			expect(tables.rows.length).toBeGreaterThan(0);
			// Whatever the table names, the order's id is stored somewhere in this schema: search every text column.
			let hits = 0;
			for (const { table_name } of tables.rows) {
				const cols = await client.query<{ column_name: string }>(
					"SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND data_type IN ('text', 'character varying')",
					[schema, table_name],
				);
				for (const { column_name } of cols.rows) {
					const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${table_name}" WHERE "${column_name}" = $1`, [order.omsId]);
					hits += Number(r.rows[0].n);
				}
			}
			expect(hits).toBeGreaterThan(0);
		} finally {
			await client.end();
		}
	});
});
