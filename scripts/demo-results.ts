/**
 * The demo's results (scripts/demo.ts), as lines of text, every number with what it means. Pure: demo.ts reads the
 * OMS store, the sandboxes and the report, and this turns the figures into sentences (test/unit/demo/results.test.ts).
 *
 * Planted fraud is counted by what the fraud gate decided for each planted order (fraud_decisions), not by the
 * orders' status now: a rejected order becomes cancelled once its channel confirms the cancellation, and a held
 * order moves on when a reviewer approves it, so status counts understate what was caught.
 */
import type { FraudPattern, GroundTruthRow } from '../test/sandbox/generator';
import type { WorkflowJson } from '../test/e2e/harness/n8n';

/** One order of the OMS store with its fraud decision and what it sent to and got from the WMS. */
export interface OrderFacts {
	oms_id: string;
	status: string;
	hold_reason: string | null;
	decision: string | null;
	resolution: string | null;
	/** Deliveries to the WMS (the outbox), and packages the WMS reported shipped */
	sent: number;
	packages: number;
}

/** The intake template's fraud settings that decide what goes through (as imported). */
export interface GateSettings {
	/** The blocking address velocity rule: orders to one address let through in the window */
	ring?: { maxOrders: number; windowHours: number };
	/** Whether the forwarder rule has known forwarder addresses besides its keywords */
	forwarderAddresses: boolean;
}

export interface ResultsInput {
	facts: OrderFacts[];
	groundTruth: GroundTruthRow[];
	/** Orders the generator placed, and per channel */
	placed: number;
	perChannel: number;
	channels: number;
	/** Webhook deliveries accepted, for how many Shopify and WooCommerce orders; the forged delivery's answer */
	webhookDeliveries: number;
	webhookOrders: number;
	forgedStatus: number[];
	/** Orders the WMS sandbox holds, and their distinct references */
	wmsOrders: number;
	wmsReferences: number;
	/** Tracking confirmations the channel sandboxes received */
	confirmations: number;
	settings: GateSettings;
	/** The report by source: sold orders counted, orders placed in its period, and the unsold ones by status */
	report: { sold: number; placed: number; cancelled: number; rejected: number; fraudReview: number; markdown: string };
}

export const PATTERN_WORDS: Record<FraudPattern, string> = {
	fraud_ring: 'a fraud ring',
	disposable_email: 'disposable e-mails',
	freight_forwarder: 'freight forwarders',
	high_value_expedited_first_order: 'big expedited first orders',
};

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "a, b and c" of the parts that are not false */
export function and(parts: Array<string | false>): string {
	const p = parts.filter((x): x is string => !!x);
	return p.length <= 1 ? (p[0] ?? '') : `${p.slice(0, -1).join(', ')} and ${p[p.length - 1]}`;
}

export function gateSettings(imported: WorkflowJson[]): GateSettings {
	const gate = imported.flatMap((w) => w.nodes).find((n) => n.type === 'n8n-nodes-oms-wms.fraudGate' && n.parameters.operation === 'screen');
	const p = (gate?.parameters ?? {}) as {
		velocityRules?: { rule?: Array<{ enabled?: boolean; key?: string; block?: boolean; maxOrders?: number; windowHours?: number }> };
		rules?: { freightForwarderOrPoBox?: { addresses?: string } };
	};
	const v = p.velocityRules?.rule?.find((r) => r.enabled && r.key === 'shipAddress' && r.block);
	return {
		ring: v && typeof v.maxOrders === 'number' && typeof v.windowHours === 'number' ? { maxOrders: v.maxOrders, windowHours: v.windowHours } : undefined,
		forwarderAddresses: !!p.rules?.freightForwarderOrPoBox?.addresses?.trim(),
	};
}

/** Why planted orders that the fraud gate screened went through (lib/fraud's rules and the intake template's settings). */
export function passedBecause(p: FraudPattern, n: number, s: GateSettings): string {
	switch (p) {
		case 'fraud_ring':
			return `${plural(n, 'fraud-ring order')} that came first (the ring uses a new e-mail each time, so only the address velocity rule sees it: ${
				s.ring ? `it lets ${plural(s.ring.maxOrders, 'order')} to one address through in ${s.ring.windowHours} h and rejects the next` : 'the template has no blocking address velocity rule'
			})`;
		case 'freight_forwarder':
			return `${plural(n, 'freight-forwarder order')} to a forwarder whose name and address hold no forwarder keyword (the rule matches words such as "forwarding" or "reship"${
				s.forwarderAddresses ? ', and this address is not on its list of known forwarder addresses' : ", and the template's list of known forwarder addresses is empty"
			})`;
		case 'high_value_expedited_first_order':
			return `${plural(n, 'big expedited first order')} under the template's amount for its currency, or from an e-mail that had ordered before`;
		case 'disposable_email':
			return `${plural(n, 'disposable-e-mail order')} from a domain that is not on the rule's list`;
	}
}

function tally<T>(items: T[], key: (t: T) => string): Map<string, number> {
	const m = new Map<string, number>();
	for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
	return m;
}

export function resultLines(r: ResultsInput): string[] {
	const out: string[] = [];
	const { facts } = r;
	const count = (keep: (o: OrderFacts) => boolean) => facts.filter(keep).length;
	const is =
		(...statuses: string[]) =>
		(o: OrderFacts) =>
			statuses.includes(o.status);
	const channelOf = (o: OrderFacts) => o.oms_id.split(':')[0];

	out.push(`Orders: ${r.placed} placed (${r.perChannel} on each of ${r.channels} channels); ${facts.length} recorded in the OMS store, each once.`);
	out.push(
		`Webhooks: ${r.webhookDeliveries} deliveries accepted for the ${r.webhookOrders} Shopify and WooCommerce orders (every 5th Shopify order was sent 3 times and every 4th WooCommerce order twice, as the channels retry; each order was recorded once)` +
			(r.forgedStatus.length ? `; 1 forged delivery was refused with ${r.forgedStatus.join(',')}.` : '.'),
	);
	out.push(`WMS: ${r.wmsOrders} orders received, ${r.wmsReferences} distinct references: every order that passed screening and was paid, sent once.`);

	out.push(`Where the ${facts.length} orders are now:`);
	const shipped = count(is('shipped', 'delivered'));
	const shippedByWms = count((o) => is('shipped', 'delivered')(o) && Number(o.packages) > 0);
	if (shipped)
		out.push(
			`  shipped ${shipped}: ${and([
				shippedByWms > 0 && `${shippedByWms} shipped by the WMS (${r.confirmations} tracking confirmations sent to their channels, one per package)`,
				shipped > shippedByWms && `${shipped - shippedByWms} already shipped on their channel when they arrived`,
			])}`,
		);
	const atWms = count(is('at_wms', 'picked', 'packed'));
	if (atWms) out.push(`  at the WMS ${atWms}: sent, not shipped yet (the WMS sandbox ships about 30 s after it gets an order)`);
	const backordered = count(is('backordered'));
	if (backordered) out.push(`  backordered ${backordered}: waiting for stock that has not arrived`);
	const inFlight = count(is('received', 'ready'));
	if (inFlight) out.push(`  received or ready ${inFlight}: recorded, on their way through screening and allocation`);
	const review = count(is('fraud_review'));
	if (review) out.push(`  held for fraud review ${review}: waiting for a person in the Fraud Review form`);
	const cancelledAfterReject = count((o) => is('cancelled')(o) && o.decision === 'reject');
	const stillRejected = facts.filter(is('rejected'));
	if (stillRejected.length) {
		const perChannel = tally(stillRejected, channelOf);
		const why = [perChannel.has('amazon') && 'Amazon applies a cancellation when it has processed the order acknowledgement feed, and the next poll records it', perChannel.has('ebay') && 'the eBay sandbox answers a cancellation with CANCEL_REQUESTED and keeps the order open'];
		out.push(
			`  rejected ${stillRejected.length} (${[...perChannel].map(([ch, n]) => `${ch} ${n}`).join(', ')}): refused by the fraud gate; the OMS asks the channel to cancel a rejected order, and these are not cancelled there` +
				`${why.some(Boolean) ? ` (${and(why)})` : ''}${cancelledAfterReject ? `; ${cancelledAfterReject} more rejected orders are counted as cancelled` : ''}`,
		);
	}
	const cancelled = count(is('cancelled'));
	if (cancelled)
		out.push(
			`  cancelled ${cancelled}: ${and([
				cancelled > cancelledAfterReject && `${cancelled - cancelledAfterReject} cancelled on their channel by the buyer or seller`,
				cancelledAfterReject > 0 && `${cancelledAfterReject} rejected by the fraud gate and then cancelled on their channel at the OMS's request`,
			])}`,
		);
	const holds = tally(facts.filter(is('on_hold')), (o) => o.hold_reason ?? 'no reason');
	const holdWords = (reason: string) => (reason === 'awaiting_payment' ? 'awaiting payment (the channel has not marked them paid; screened once it does)' : `for ${reason.replace(/_/g, ' ')}`);
	if (holds.size === 1) out.push(`  on hold ${count(is('on_hold'))}: ${holdWords([...holds.keys()][0])}`);
	else if (holds.size) out.push(`  on hold ${count(is('on_hold'))}: ${and([...holds].map(([reason, n]) => `${n} ${holdWords(reason)}`))}`);

	// Planted fraud, by the gate's decision for each planted order
	const byId = new Map(facts.map((o) => [o.oms_id, o]));
	const planted = r.groundTruth.map((g) => ({ g, o: byId.get(g.omsId) }));
	const held = planted.filter((p) => p.o?.decision === 'review');
	const rejected = planted.filter((p) => p.o?.decision === 'reject');
	const passed = planted.filter((p) => p.o?.decision === 'pass');
	const unscreened = planted.filter((p) => !p.o?.decision);
	out.push(
		`Planted fraud: ${r.groundTruth.length} orders carry a planted pattern; the fraud gate held ${held.length} for review and rejected ${rejected.length} outright` +
			`${passed.length ? `; ${passed.length} went through` : ''}${unscreened.length ? `; ${unscreened.length} never reached it` : ''}.`,
	);
	if (held.length) {
		const approved = held.filter((p) => p.o?.resolution === 'approved').length;
		const declined = held.filter((p) => p.o?.resolution === 'rejected').length;
		const cancelledMeanwhile = held.filter((p) => !p.o?.resolution && p.o?.status === 'cancelled').length;
		const waiting = held.filter((p) => p.o?.status === 'fraud_review').length;
		out.push(
			`  held ${held.length}: ${and([
				approved > 0 && `${approved} approved by the demo's reviewer in the Fraud Review form and sent on`,
				declined > 0 && `${declined} declined by a reviewer`,
				cancelledMeanwhile > 0 && `${cancelledMeanwhile} cancelled on its channel while held`,
				waiting > 0 && `${waiting} still waiting for review`,
			])}`,
		);
	}
	if (rejected.length) {
		const since = rejected.filter((p) => p.o?.status === 'cancelled').length;
		out.push(`  rejected ${rejected.length}: ${and([since > 0 && `${since} since cancelled on their channel`, rejected.length > since && `${rejected.length - since} still listed as rejected`])}`);
	}
	if (passed.length) {
		// a ring order is caught only by velocity, whatever else it carries; otherwise its first pattern explains it
		const why = tally(passed, (p) => (p.g.patterns.includes('fraud_ring') ? 'fraud_ring' : p.g.patterns[0]));
		out.push(`  went through ${passed.length}: ${and([...why].map(([p, n]) => passedBecause(p as FraudPattern, n, r.settings)))}`);
	}
	if (unscreened.length) {
		const why = tally(unscreened, ({ o }) =>
			!o
				? 'not recorded yet (still to be polled)'
				: o.status === 'cancelled'
					? 'cancelled on their channel before screening'
					: o.status === 'on_hold'
						? 'awaiting payment (screened once paid)'
						: o.status === 'shipped'
							? 'already shipped on their channel'
							: `${o.status.replace(/_/g, ' ')}, not screened yet`,
		);
		out.push(`  never reached the fraud gate ${unscreened.length}: ${and([...why].map(([k, n]) => `${n} ${k}`))}`);
	}
	const plantedIds = new Set(r.groundTruth.map((g) => g.omsId));
	const falsePositives = facts.filter((o) => !plantedIds.has(o.oms_id) && (o.decision === 'review' || o.decision === 'reject'));
	out.push(
		`  orders without planted fraud that the gate held or rejected: ${falsePositives.length}${
			falsePositives.length ? ` (${falsePositives.filter((o) => o.decision === 'review').length} held, ${falsePositives.filter((o) => o.decision === 'reject').length} rejected)` : ''
		}`,
	);

	const rep = r.report;
	out.push(
		`Orders by source (the report the "OMS 7: Daily Report" template sends): ${rep.sold} sold orders of the ${rep.placed} placed in its period; it leaves out the ${and([
			`${rep.cancelled} cancelled`,
			`${rep.rejected} rejected`,
			`${rep.fraudReview} held for fraud review`,
		])} (not sales), and counts orders awaiting payment.`,
	);
	out.push('');
	for (const line of rep.markdown.trim().split('\n')) out.push(`  ${line.replace(/\*\*/g, '')}`);
	return out;
}
