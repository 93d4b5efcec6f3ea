/**
 * The OMS status of an order as the channel's readiness moves, through the transition table (./status.ts: causes
 * intake, channel_paid, channel_unpaid, channel_cancelled, channel_shipped). Pure: the store calls these inside its
 * transactions, so both stores follow one rule.
 */
import { READINESS, type Readiness } from './types';
import { canTransition, type Hold, type OmsStatus, type TransitionCause } from './status';

/**
 * Whether an order may go on to fulfilment by its channel readiness: only `ready` (paid and open on the channel) may;
 * pending, cancelled and shipped-on-the-channel may not. Undefined when the value is not a readiness at all.
 */
export function readyToFulfil(readiness: unknown): boolean | undefined {
	if (typeof readiness !== 'string' || !(READINESS as readonly string[]).includes(readiness)) return undefined;
	return readiness === 'ready';
}

function awaitingPayment(at: string): Hold {
	return { reason: 'awaiting_payment', since: at, detail: 'The channel has not marked the order paid' };
}

/** The status each readiness asks for, and the cause that moves an order already recorded there. */
const BY_READINESS: Record<Readiness, { status: OmsStatus; cause: TransitionCause; hold: (at: string) => Hold | null }> = {
	ready: { status: 'received', cause: 'channel_paid', hold: () => null },
	pending: { status: 'on_hold', cause: 'channel_unpaid', hold: awaitingPayment },
	cancelled: { status: 'cancelled', cause: 'channel_cancelled', hold: () => null },
	shipped: { status: 'shipped', cause: 'channel_shipped', hold: () => null },
};

/** Where a new order starts (cause intake): received, on hold awaiting payment, cancelled or shipped. */
export function initialStatus(readiness: Readiness, at: string): { status: OmsStatus; hold: Hold | null } {
	const { status, hold } = BY_READINESS[readiness];
	return { status, hold: hold(at) };
}

/**
 * A newer version of the order came from the channel: what its OMS status becomes, as the table allows.
 * - cancelled on the channel: cancelled, unless the order already shipped (or is cancelled);
 * - paid after being held for payment: back to received (the fraud gate screens it next);
 * - not paid any more while received: held for payment;
 * - shipped on the channel (e.g. shipped outside the OMS): shipped unless already further (or cancelled);
 * otherwise the OMS status stays (the channel never downgrades the OMS's own progress): null.
 */
export function statusOnChannelUpdate(
	current: OmsStatus,
	hold: Hold | null,
	readiness: Readiness,
	at: string,
): { status: OmsStatus; hold: Hold | null; cause: TransitionCause } | null {
	const next = BY_READINESS[readiness];
	if (!canTransition(current, next.status, next.cause, hold)) return null;
	return { status: next.status, hold: next.hold(at), cause: next.cause };
}
