/**
 * OutboxStore's rules, once for both stores: what an attempt to send a delivery leaves on it, and how long a claim
 * holds it. (Enqueue once per order and shipment, and record a package once, are the tables' unique keys.)
 */
import { storableText } from '../../order/storable';
import { isoUtc } from '../rows';
import type { Delivery, StoredShipment } from '../types';
import { row, type DeliveryAttempt, type Steps } from './tx';

/** The WMS has the delivery: sent, with the WMS's id; no error, no next attempt. */
export function sentAttempt(wmsOrderId: string | null): DeliveryAttempt {
	return { status: 'sent', lastError: null, nextAttemptAt: null, wmsOrderId };
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
	return yield* row('insertShipment', { ...s, shippedAt: s.shippedAt ? isoUtc(s.shippedAt) : null }, now);
}
