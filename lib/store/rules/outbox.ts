/**
 * OutboxStore's rules, once for both stores: what an attempt to send a delivery leaves on it, and how long a claim
 * holds it. (Enqueue once per order and shipment, and record a package once, are the tables' unique keys.)
 */
import { refuseUnstorable, storableText } from '../../order/storable';
import { isoUtc } from '../rows';
import type { Delivery, StoredShipment } from '../types';
import { row, type DeliveryAttempt, type Steps } from './tx';

/** The WMS has the delivery: sent, with the WMS's id; no error, no next attempt. */
export function sentAttempt(wmsOrderId: string | null): DeliveryAttempt {
	// the WMS's id is kept as text it can be looked up by; NUL or a lone surrogate in it is cleaned (lib/order/storable.ts)
	return { status: 'sent', lastError: null, nextAttemptAt: null, wmsOrderId: wmsOrderId === null ? null : storableText(wmsOrderId) };
}

/** An attempt failed: pending again at `nextAttemptAt`, or failed for good when there is none. */
export function failedAttempt(error: string, nextAttemptAt: string | null): DeliveryAttempt {
	return nextAttemptAt
		? { status: 'pending', lastError: storableText(error), nextAttemptAt: isoUtc(nextAttemptAt) }
		: { status: 'failed', lastError: storableText(error), nextAttemptAt: null };
}

/** Record an attempt (attempts + 1, the lease released); an unknown delivery is an error. */
export function* deliveryAttemptSteps(id: number, attempt: DeliveryAttempt, now: string): Steps<Delivery> {
	const delivery = yield* row('writeDeliveryAttempt', id, attempt, now);
	if (!delivery) throw new Error(`No delivery ${id} in the OMS store`);
	return delivery;
}

/** A claim's lease: until `now` + `seconds`. */
export function leaseUntil(now: string, seconds: number): { at: string; until: string } {
	const at = isoUtc(now);
	return { at, until: new Date(Date.parse(at) + seconds * 1000).toISOString() };
}

/** Record a package once (its key is unique per order); created=false when it was recorded before. */
export function* recordShipmentSteps(s: Omit<StoredShipment, 'recordedAt'>, now: string): Steps<{ created: boolean; shipment: StoredShipment }> {
	// the package key and SKUs identify (refused when no store can keep them); carrier and tracking are text (cleaned)
	refuseUnstorable(`shipment of ${s.omsId}: package key`, s.packageKey);
	for (const l of s.lines) {
		refuseUnstorable(`shipment ${s.packageKey} of ${s.omsId}: line sku`, l.sku);
		refuseUnstorable(`shipment ${s.packageKey} of ${s.omsId}: line id`, l.lineId);
	}
	const text = (v: string | null | undefined) => (typeof v === 'string' ? storableText(v) : v);
	const clean = { ...s, carrier: text(s.carrier) ?? null, trackingNumber: text(s.trackingNumber) ?? null, trackingUrl: text(s.trackingUrl) ?? null };
	return yield* row('insertShipment', { ...clean, shippedAt: s.shippedAt ? isoUtc(s.shippedAt) : null }, now);
}
