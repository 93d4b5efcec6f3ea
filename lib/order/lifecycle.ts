/**
 * The OMS status of an order as the channel's readiness moves (lib/store/types.ts OmsStatus). Pure: the store calls
 * these inside its transactions, so both stores follow one rule.
 */
import { READINESS, type Readiness } from './types';
import type { Hold, OmsStatus } from '../store/types';

/**
 * Whether an order may go on to fulfilment by its channel readiness: only `ready` (paid and open on the channel) may;
 * pending, cancelled and shipped-on-the-channel may not. Undefined when the value is not a readiness at all.
 */
export function readyToFulfil(readiness: unknown): boolean | undefined {
	if (typeof readiness !== 'string' || !(READINESS as readonly string[]).includes(readiness)) return undefined;
	return readiness === 'ready';
}

/** Statuses from which the warehouse already has, or has shipped, the order */
export const AT_OR_PAST_WMS: readonly OmsStatus[] = ['at_wms', 'picked', 'packed', 'shipped', 'delivered'];

/** Rank of the WMS leg; status on that leg only moves forward (received -> at WMS -> picked -> packed -> shipped -> delivered) */
const WMS_RANK: Partial<Record<OmsStatus, number>> = {
	ready: 0,
	at_wms: 1,
	picked: 2,
	packed: 3,
	shipped: 4,
	delivered: 5,
};
export function wmsRank(status: OmsStatus): number | undefined {
	return WMS_RANK[status];
}

/** A WMS update may move an order only forward on the WMS leg; cancelled is final, delivered is final. */
export function isForwardWmsMove(from: OmsStatus, to: OmsStatus): boolean {
	if (from === 'cancelled' || from === 'delivered') return false;
	if (to === 'cancelled') return from !== 'shipped';
	const a = WMS_RANK[from] ?? 0;
	const b = WMS_RANK[to];
	return b !== undefined && b > a;
}

export function initialStatus(readiness: Readiness, at: string): { status: OmsStatus; hold: Hold | null } {
	switch (readiness) {
		case 'ready':
			return { status: 'received', hold: null };
		case 'pending':
			return {
				status: 'on_hold',
				hold: { reason: 'awaiting_payment', since: at, detail: 'The channel has not marked the order paid' },
			};
		case 'cancelled':
			return { status: 'cancelled', hold: null };
		case 'shipped':
			return { status: 'shipped', hold: null };
	}
}

/**
 * A newer version of the order came from the channel: what its OMS status becomes.
 * - cancelled on the channel: cancelled, unless the warehouse already shipped it;
 * - paid after being held for payment: back to received (the fraud gate screens it next);
 * - shipped on the channel (e.g. shipped outside the OMS): shipped unless already further;
 * otherwise the OMS status stays (the channel never downgrades the OMS's own progress).
 */
export function statusOnChannelUpdate(
	current: OmsStatus,
	hold: Hold | null,
	readiness: Readiness,
	at: string,
): { status: OmsStatus; hold: Hold | null } | null {
	if (current === 'cancelled') return null;
	if (readiness === 'cancelled') {
		if (current === 'shipped' || current === 'delivered') return null;
		return { status: 'cancelled', hold: null };
	}
	if (readiness === 'ready' && current === 'on_hold' && hold?.reason === 'awaiting_payment') {
		return { status: 'received', hold: null };
	}
	if (readiness === 'pending' && current === 'received') {
		return {
			status: 'on_hold',
			hold: { reason: 'awaiting_payment', since: at, detail: 'The channel has not marked the order paid' },
		};
	}
	if (readiness === 'shipped' && current !== 'shipped' && current !== 'delivered') {
		return { status: 'shipped', hold: null };
	}
	return null;
}
