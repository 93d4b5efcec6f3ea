/** Canonical orders for tests: valid by construction, varied by overrides. */
import type { CanonicalOrder, OrderLine } from '../../lib/order/types';

let seq = 0;

export function makeOrder(overrides: Partial<CanonicalOrder> & { lines?: OrderLine[] } = {}): CanonicalOrder {
	seq += 1;
	const channel = overrides.channel ?? 'shopify';
	const channelOrderId = overrides.channelOrderId ?? String(1000 + seq);
	const lines: OrderLine[] = overrides.lines ?? [
		{ lineId: '1', sku: 'SKU-1', title: 'Mug', quantity: 2, unitPrice: 25, lineTotal: 50 },
	];
	const subtotal = lines.reduce((s, l) => s + Math.round(l.lineTotal * 100), 0) / 100;
	const base: CanonicalOrder = {
		omsId: `${channel}:${channelOrderId}`,
		channel,
		channelOrderId,
		orderNumber: `#${channelOrderId}`,
		placedAt: '2026-05-01T14:00:00.000Z',
		updatedAt: '2026-05-01T14:05:00.000Z',
		channelStatus: 'paid',
		readiness: 'ready',
		currency: 'USD',
		totals: { subtotal, shipping: 9, tax: 0, discount: 0, total: Math.round(subtotal * 100 + 900) / 100 },
		customer: { email: 'b@example.com', name: 'A B', phone: null, channelCustomerId: null },
		shipTo: {
			name: 'A B',
			company: null,
			line1: '1 Main St',
			line2: null,
			city: 'Ottawa',
			region: 'ON',
			postalCode: 'K1A 0B1',
			country: 'CA',
			phone: null,
		},
		billTo: null,
		shipping: { level: 'standard', label: 'Standard' },
		lines,
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
	};
	const order = { ...base, ...overrides, lines } as CanonicalOrder;
	order.omsId = `${order.channel}:${order.channelOrderId}`;
	return order;
}
