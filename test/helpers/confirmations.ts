/**
 * The shipment confirmation of every line of a canonical order (one package, UPS, the channel's line ids), as
 * lib/flows/channel-calls.ts confirmShipment takes it: for the channel outbox tests against the sandboxes.
 */
import type { ConfirmRequest } from '../../lib/flows/channel-calls';
import type { CanonicalOrder } from '../../lib/order/types';

export function confirmationOfAll(order: CanonicalOrder, trackingNumber: string): ConfirmRequest {
	return {
		omsId: order.omsId,
		packageKey: `PKG-${trackingNumber}`,
		confirmation: {
			channelOrderId: order.channelOrderId,
			carrier: 'UPS',
			trackingNumber,
			shippedAt: '2026-05-01T09:00:00.000Z',
			lines: order.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity })),
		},
	};
}
