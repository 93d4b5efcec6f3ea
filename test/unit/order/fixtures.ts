import type { CanonicalOrder } from '../../../lib/order/types';

/** A valid canonical order (every field; docs/concepts.md#the-canonical-order); each call returns a fresh copy to mutate. */
export function validOrder(): CanonicalOrder {
	return {
		omsId: 'shopify:450789469',
		channel: 'shopify',
		channelOrderId: '450789469',
		orderNumber: '#1001',
		placedAt: '2026-05-01T14:00:00Z',
		updatedAt: '2026-05-01T14:05:00.123Z',
		channelStatus: 'paid',
		readiness: 'ready',
		currency: 'USD',
		totals: { subtotal: 50, shipping: 9, tax: 0, discount: 0, total: 59 },
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
		lines: [{ lineId: '1', sku: 'SKU-1', title: 'Mug', quantity: 2, unitPrice: 25, lineTotal: 50 }],
		risk: { channelRecommendation: null, channelRiskLevel: null, clientIp: null },
		raw: { id: 450789469 },
	};
}
