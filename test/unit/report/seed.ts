/**
 * Known orders for the report tests. The clock reads NOW (2026-05-02T20:00Z: 13:00 in Los Angeles), so
 * "yesterday" is 2026-05-01 in UTC and 2026-05-01 07:00Z – 2026-05-02 07:00Z in America/Los_Angeles.
 *
 * | order | placed (UTC)        | LA date | ccy | lines                      | total  | units |
 * | A1    | 2026-05-01 10:00    | May 1   | USD | SKU-1 x2 @25               | 59.00  | 2     |
 * | A2    | 2026-05-01 23:30    | May 1   | USD | SKU-2 x1 @10.10            | 19.10  | 1     |
 * | S1    | 2026-05-01 15:00    | May 1   | USD | SKU-1 x1 @25, SKU-3 x3 @0.33 | 34.99 | 4    |
 * | S2    | 2026-05-01 16:00    | May 1   | EUR | SKU-1 x1 @20               | 29.00  | 1     |
 * | E1    | 2026-05-02 06:30    | May 1   | USD | SKU-2 x2 @10.10            | 29.20  | 2     |  (May 2 in UTC)
 * | C1    | 2026-05-01 03:00    | Apr 30  | USD | SKU-3 x1 @0.33             | 9.33   | 1     |  (May 1 in UTC)
 * | W1    | 2026-04-30 12:00    | Apr 30  | USD | SKU-1 x1 @25               | 34.00  | 1     |
 * | S3    | 2026-05-02 12:00    | May 2   | JPY | SKU-4 x1 @1500             | 1509   | 1     |
 * | R1    | 2026-05-01 12:00    | May 1   | USD | SKU-1 x4 @25 (amazon)      | 109.00 | 4     |  rejected by the fraud gate
 * | H1    | 2026-05-01 13:00    | May 1   | USD | SKU-2 x3 @10.10 (shopify)  | 39.30  | 3     |  held for fraud review
 * | P1    | 2026-05-01 14:00    | May 1   | USD | SKU-3 x2 @0.33 (ebay)      | 9.66   | 2     |  on hold, awaiting payment
 * (every order adds 9 shipping in its currency)
 *
 * Statuses: A1 shipped at 2026-05-02 10:00 (24 h), A2 shipped 2026-05-02 11:30 (12 h), S1 shipped 2026-05-01 18:00
 * (3 h), S2 (ship-by 2026-05-02 16:00) shipped 2026-05-02 19:00 (27 h, late), E1 at the WMS with ship-by
 * 2026-05-02 10:00 (overdue at NOW), C1 cancelled, W1 backordered, S3 received; R1 rejected and H1 held for fraud
 * review, both with ship-by 2026-05-02 12:00 (past at NOW), P1 on hold awaiting payment.
 * By default the order reports leave out C1, R1 and H1 (not sales) and count P1 (sold, not yet paid).
 * Fraud: A1 pass 0; A2 review 40 (velocity_email 25, high_value 15), approved on review; S1 reject 80
 * (velocity_email 30, freight_forwarder 50); S2 pass 10 (po_box 10); R1 reject 60 (velocity_address 60, a
 * blocking rule); H1 review 50 (disposable_email 50), not yet resolved.
 */
import type { CanonicalOrder, OrderLine } from '../../../lib/order/types';
import { recordReturn } from '../../../lib/flows/record-return';
import type { ReturnReason } from '../../../lib/returns/types';
import type { OmsStatus, Store } from '../../../lib/store/types';
import { makeOrder } from '../../helpers/orders';
import { makeReturn } from '../../helpers/returns';

export const NOW = new Date('2026-05-02T20:00:00.000Z');

export class TestClock {
	t = NOW;
	now = () => this.t;
	set(iso: string) {
		this.t = new Date(iso);
	}
}

function line(sku: string, quantity: number, unitPrice: number, i: number): OrderLine {
	return { lineId: String(i + 1), sku, title: sku, quantity, unitPrice, lineTotal: Math.round(quantity * unitPrice * 100) / 100 };
}

export function order(
	channel: string,
	id: string,
	placedAt: string,
	currency: string,
	lines: Array<[string, number, number]>,
	extra: Partial<CanonicalOrder> = {},
): CanonicalOrder {
	return makeOrder({
		channel,
		channelOrderId: id,
		placedAt,
		updatedAt: placedAt,
		currency,
		lines: lines.map(([s, q, p], i) => line(s, q, p, i)),
		...extra,
	});
}

export async function seedOrders(store: Store, clock: TestClock): Promise<void> {
	const orders = [
		order('amazon', 'A1', '2026-05-01T10:00:00.000Z', 'USD', [['SKU-1', 2, 25]]),
		order('amazon', 'A2', '2026-05-01T23:30:00.000Z', 'USD', [['SKU-2', 1, 10.1]]),
		order('shopify', 'S1', '2026-05-01T15:00:00.000Z', 'USD', [
			['SKU-1', 1, 25],
			['SKU-3', 3, 0.33],
		]),
		order('shopify', 'S2', '2026-05-01T16:00:00.000Z', 'EUR', [['SKU-1', 1, 20]], { shipBy: '2026-05-02T16:00:00.000Z' }),
		order('ebay', 'E1', '2026-05-02T06:30:00.000Z', 'USD', [['SKU-2', 2, 10.1]], { shipBy: '2026-05-02T10:00:00.000Z' }),
		order('woocommerce', 'C1', '2026-05-01T03:00:00.000Z', 'USD', [['SKU-3', 1, 0.33]], { shipBy: '2026-05-01T12:00:00.000Z' }),
		order('walmart', 'W1', '2026-04-30T12:00:00.000Z', 'USD', [['SKU-1', 1, 25]]),
		order('shopify', 'S3', '2026-05-02T12:00:00.000Z', 'JPY', [['SKU-4', 1, 1500]]),
		order('amazon', 'R1', '2026-05-01T12:00:00.000Z', 'USD', [['SKU-1', 4, 25]], { shipBy: '2026-05-02T12:00:00.000Z' }),
		order('shopify', 'H1', '2026-05-01T13:00:00.000Z', 'USD', [['SKU-2', 3, 10.1]], { shipBy: '2026-05-02T12:00:00.000Z' }),
		order('ebay', 'P1', '2026-05-01T14:00:00.000Z', 'USD', [['SKU-3', 2, 0.33]], { readiness: 'pending' }),
	];
	for (const o of orders) {
		clock.set(o.placedAt);
		await store.recordOrder(o);
	}
	const status = async (omsId: string, to: OmsStatus, at: string) => {
		clock.set(at);
		await store.setStatus(omsId, to);
	};
	await status('amazon:A1', 'shipped', '2026-05-02T10:00:00.000Z');
	await status('amazon:A2', 'shipped', '2026-05-02T11:30:00.000Z');
	await status('shopify:S1', 'shipped', '2026-05-01T18:00:00.000Z');
	await status('shopify:S2', 'shipped', '2026-05-02T19:00:00.000Z');
	await status('ebay:E1', 'at_wms', '2026-05-02T07:00:00.000Z');
	await status('woocommerce:C1', 'cancelled', '2026-05-01T04:00:00.000Z');
	await status('walmart:W1', 'backordered', '2026-04-30T12:05:00.000Z');
	await status('amazon:R1', 'rejected', '2026-05-01T12:01:00.000Z');
	clock.set('2026-05-01T13:01:00.000Z');
	await store.setStatus('shopify:H1', 'fraud_review', { hold: { reason: 'fraud_review', since: '2026-05-01T13:01:00.000Z', detail: 'disposable_email' } });

	await store.recordFraudDecision('amazon:A1', { decision: 'pass', score: 0, reasons: [] }, 'v1');
	await store.recordFraudDecision(
		'amazon:A2',
		{
			decision: 'review',
			score: 40,
			reasons: [
				{ rule: 'velocity_email', points: 25, detail: '3 orders in 1 h' },
				{ rule: 'high_value', points: 15, detail: 'over 500' },
			],
		},
		'v1',
	);
	await store.recordFraudDecision(
		'shopify:S1',
		{
			decision: 'reject',
			score: 80,
			reasons: [
				{ rule: 'velocity_email', points: 30, detail: '5 orders in 1 h' },
				{ rule: 'freight_forwarder', points: 50, detail: 'known forwarder address' },
			],
		},
		'v1',
	);
	await store.recordFraudDecision('shopify:S2', { decision: 'pass', score: 10, reasons: [{ rule: 'po_box', points: 10, detail: 'PO Box' }] }, 'v1');
	await store.recordFraudDecision('amazon:R1', { decision: 'reject', score: 60, reasons: [{ rule: 'velocity_address', points: 60, detail: '4 orders to one address in 24 h' }] }, 'v1');
	await store.recordFraudDecision('shopify:H1', { decision: 'review', score: 50, reasons: [{ rule: 'disposable_email', points: 50, detail: 'mailinator.com' }] }, 'v1');
	await store.resolveFraudReview('amazon:A2', 'approved', 'ops@example.com');
	clock.set(NOW.toISOString());
}

/**
 * Returns of the shipped seed orders, recorded through the Record flow (lib/flows/record-return.ts), all requested
 * on 2026-05-02 (UTC), after the orders shipped:
 *
 * | return | order | line, units, reason       | status (intake) | refund                      |
 * | RA1    | A1    | 1 SKU-1 x2 size_fit        | authorised      | USD 50.00 pending (owed)    |
 * | RA2    | A2    | 1 SKU-2 x1 defective       | closed          | USD 10.10 refunded          |
 * | RS1    | S1    | 2 SKU-3 x2 defective       | requested       | none (the order's USD)      |
 * | RS2    | S1    | 1 SKU-1 x1 unwanted        | declined        | USD 25.00 pending (not owed: declined) |
 * | RS3    | S1    | 2 SKU-3 x1 unwanted        | cancelled       | none                        |
 * | RE1    | S2    | 1 SKU-1 x1 size_fit        | received        | EUR 20.00 sent (owed)       |
 * And E1 (ebay, at the WMS, placed May 2) has one package with one of its two units: partly shipped, no return.
 */
export async function seedReturns(store: Store, clock: TestClock): Promise<void> {
	const refund = (currency: string, status: 'pending' | 'sent' | 'refunded', lineId: string, amount: number) => ({
		currency,
		status,
		lines: [{ lineId, amount, tax: 0, restockingFee: 0 }],
		shipping: 0,
		returnShippingFee: 0,
		total: amount,
	});
	const line = (lineId: string, sku: string, quantity: number, reason: ReturnReason) => [{ lineId, sku, quantity, channelReason: reason.toUpperCase(), reason }];
	const state = { authorised: 'OPEN', closed: 'CLOSED', requested: 'REQUESTED', declined: 'DECLINED', cancelled: 'CANCELED', received: 'RECEIVED' } as const;
	const returns: Array<[string, string, keyof typeof state, string, ReturnType<typeof line>, ReturnType<typeof refund> | null]> = [
		['amazon:A1', 'RA1', 'authorised', '2026-05-02T12:00:00.000Z', line('1', 'SKU-1', 2, 'size_fit'), refund('USD', 'pending', '1', 50)],
		['amazon:A2', 'RA2', 'closed', '2026-05-02T13:00:00.000Z', line('1', 'SKU-2', 1, 'defective'), refund('USD', 'refunded', '1', 10.1)],
		['shopify:S1', 'RS1', 'requested', '2026-05-02T14:00:00.000Z', line('2', 'SKU-3', 2, 'defective'), null],
		['shopify:S1', 'RS2', 'declined', '2026-05-02T14:30:00.000Z', line('1', 'SKU-1', 1, 'unwanted'), refund('USD', 'pending', '1', 25)],
		['shopify:S1', 'RS3', 'cancelled', '2026-05-02T15:00:00.000Z', line('2', 'SKU-3', 1, 'unwanted'), null],
		['shopify:S2', 'RE1', 'received', '2026-05-02T19:30:00.000Z', line('1', 'SKU-1', 1, 'size_fit'), refund('EUR', 'sent', '1', 20)],
	];
	for (const [omsId, id, channelState, requestedAt, lines, ref] of returns) {
		clock.set(requestedAt);
		const ret = makeReturn(omsId, { channelReturnId: id, channelState, channelStatus: state[channelState], requestedAt, updatedAt: requestedAt, lines, refund: ref });
		await recordReturn(store, ret, { cause: 'test' });
	}
	// E1 (ebay, at the WMS) shipped one of its two units in a first package: 1 unit shipped, nothing returned
	clock.set('2026-05-02T19:45:00.000Z');
	await store.recordShipment({ omsId: 'ebay:E1', packageKey: 'PKG-E1-1', provider: 'shipbob', carrier: 'USPS', trackingNumber: '9400E1', trackingUrl: null, shippedAt: '2026-05-02T19:45:00.000Z', lines: [{ sku: 'SKU-2', quantity: 1, lineId: '1' }] });
	clock.set(NOW.toISOString());
}
