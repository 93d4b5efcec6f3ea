/**
 * Fraud decisions by channel and rule, for orders placed in the period. Per channel one `(all)` row: orders
 * screened and how many passed, went to review or were rejected, and how held reviews were resolved; then one
 * row per rule that fired: orders it fired on, split by the gate's decision, and the points it added.
 */
import { channelWhere, dialect, num, Params, periodWhere, type Dialect } from '../sql';
import type { ReportDefinition, Row, RunContext } from '../types';

export const ALL_RULES = '(all)';

function decisionsSql(d: Dialect, p: Params, ctx: RunContext): string {
	const where = `${periodWhere(d, p, 'o.placed_at', ctx)}${channelWhere(d, p, 'o.channel', ctx)}`;
	const body = `SELECT o.channel AS channel, f.decision AS decision, COUNT(*) AS orders, SUM(f.score) AS points,
			SUM(CASE WHEN f.resolution = 'approved' THEN 1 ELSE 0 END) AS approved,
			SUM(CASE WHEN f.resolution = 'rejected' THEN 1 ELSE 0 END) AS declined
		FROM fraud_decisions f JOIN orders o ON o.oms_id = f.oms_id
		WHERE ${where}
		GROUP BY o.channel, f.decision`;
	return body;
}

function rulesSql(d: Dialect, p: Params, ctx: RunContext): string {
	const where = `${periodWhere(d, p, 'o.placed_at', ctx)}${channelWhere(d, p, 'o.channel', ctx)}`;
	if (d === 'sqlite') {
		return `SELECT o.channel AS channel, json_extract(r.value, '$.rule') AS rule, f.decision AS decision,
				COUNT(DISTINCT f.oms_id) AS orders, SUM(json_extract(r.value, '$.points')) AS points
			FROM fraud_decisions f JOIN orders o ON o.oms_id = f.oms_id, json_each(f.doc, '$.reasons') r
			WHERE ${where}
			GROUP BY o.channel, rule, f.decision`;
	}
	return `SELECT o.channel AS channel, r ->> 'rule' AS rule, f.decision AS decision,
			COUNT(DISTINCT f.oms_id) AS orders, SUM((r ->> 'points')::numeric) AS points
		FROM fraud_decisions f JOIN orders o ON o.oms_id = f.oms_id
		CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(f.doc -> 'reasons') = 'array' THEN f.doc -> 'reasons' ELSE '[]'::jsonb END) r
		WHERE ${where}
		GROUP BY o.channel, r ->> 'rule', f.decision`;
}

function blank(channel: string, rule: string): Row {
	return { channel, rule, orders: 0, pass: 0, review: 0, reject: 0, points: 0, reviewApproved: 0, reviewRejected: 0 };
}

export const fraud: ReportDefinition = {
	name: 'fraud',
	title: 'Fraud decisions by channel and rule',
	periodic: true,
	keys: ['channel', 'rule'],
	metrics: ['orders', 'pass', 'review', 'reject'],
	async run(ctx) {
		const d = dialect(ctx);
		const out = new Map<string, Row>();
		const get = (channel: string, rule: string) => {
			const k = `${channel}\u0000${rule}`;
			let row = out.get(k);
			if (!row) out.set(k, (row = blank(channel, rule)));
			return row;
		};
		const p1 = new Params();
		for (const r of await ctx.store.query(decisionsSql(d, p1, ctx), p1.values)) {
			const row = get(String(r.channel), ALL_RULES);
			const decision = String(r.decision);
			row.orders = (row.orders as number) + num(r.orders);
			if (decision in row) row[decision] = (row[decision] as number) + num(r.orders);
			row.points = (row.points as number) + num(r.points);
			row.reviewApproved = (row.reviewApproved as number) + num(r.approved);
			row.reviewRejected = (row.reviewRejected as number) + num(r.declined);
		}
		const p2 = new Params();
		for (const r of await ctx.store.query(rulesSql(d, p2, ctx), p2.values)) {
			const row = get(String(r.channel), String(r.rule ?? '(unnamed)'));
			const decision = String(r.decision);
			row.orders = (row.orders as number) + num(r.orders);
			if (decision in row) row[decision] = (row[decision] as number) + num(r.orders);
			row.points = (row.points as number) + num(r.points);
		}
		return [...out.values()]
			.map((row) => (row.rule === ALL_RULES ? row : { ...row, reviewApproved: null, reviewRejected: null }))
			.sort(
				(a, b) =>
					String(a.channel).localeCompare(String(b.channel)) ||
					(a.rule === ALL_RULES ? -1 : b.rule === ALL_RULES ? 1 : (b.orders as number) - (a.orders as number) || String(a.rule).localeCompare(String(b.rule))),
			);
	},
	columns: () => [
		{ key: 'channel', label: 'Channel', type: 'text' },
		{ key: 'rule', label: 'Rule', type: 'text' },
		{ key: 'orders', label: 'Orders', type: 'int' },
		{ key: 'pass', label: 'Pass', type: 'int' },
		{ key: 'review', label: 'Review', type: 'int' },
		{ key: 'reject', label: 'Reject', type: 'int' },
		{ key: 'points', label: 'Points', type: 'number' },
		{ key: 'reviewApproved', label: 'Reviews approved', type: 'int' },
		{ key: 'reviewRejected', label: 'Reviews rejected', type: 'int' },
	],
	// the option to include unsold orders does not apply: rejected and held orders are what this report is about
	counts: () => 'Counts every order placed in the period that the fraud gate screened, whatever its status now (rejected, held and cancelled ones included).',
};
