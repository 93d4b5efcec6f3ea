/**
 * The return's lifecycle in the OMS, in one place (as lib/order/status.ts is the order's): every status and THE
 * transition table, which status a return may move to from which, and why (the cause). Every writer of a return's
 * status asks this module (canReturnTransition, or the compare-and-set list returnFromStatusesFor), and the store
 * checks it inside the transaction that applies the move (Store.transitionReturn). No other file lists statuses:
 * the named sets below are derived from the table.
 *
 * Pure: lib/returns sits below the store and imports only lib/order.
 */

/**
 * The OMS's own lifecycle of a return (not the channel's words, which stay in ret.channelStatus). The path:
 * requested -> authorised -> in_transit -> received -> inspected -> closed; declined and cancelled are exits.
 */
export const RETURN_STATUSES = [
	'requested', // the customer asked; nobody has decided yet
	'authorised', // accepted (by the channel, a rule or a person): the units may come back
	'in_transit', // the customer shipped them (a tracking number)
	'received', // the warehouse has them
	'inspected', // the warehouse (or a person) looked at them and said what becomes of each unit
	'closed', // done: the units are dealt with and the refund settled
	'declined', // refused (an exit)
	'cancelled', // withdrawn before anything was done (an exit)
] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/** What people read for each status (node options, reports): the one map of labels. */
export const RETURN_STATUS_LABELS: Readonly<Record<ReturnStatus, string>> = {
	requested: 'Requested',
	authorised: 'Authorised',
	in_transit: 'In Transit',
	received: 'Received',
	inspected: 'Inspected',
	closed: 'Closed',
	declined: 'Declined',
	cancelled: 'Cancelled',
};

/** Why a return moves: one name per kind of event that moves it (the `cause` of a transition). */
export type ReturnTransitionCause =
	| 'intake'
	| 'channel_update'
	| 'auto_authorised'
	| 'operator_authorised'
	| 'operator_declined'
	| 'return_shipped'
	| 'received'
	| 'inspected'
	| 'closed'
	| 'operator_cancel';

export interface ReturnTransitionRule {
	/** The statuses the return may be in (empty: a new return, at intake) */
	from: readonly ReturnStatus[];
	to: ReturnStatus;
	cause: ReturnTransitionCause;
	/** What moves the return this way (the docs' table is written from these) */
	when: string;
}

/** The path a return takes, in order; a channel's newer word only moves a return forward along it. */
const PATH = ['requested', 'authorised', 'in_transit', 'received', 'inspected', 'closed'] as const satisfies readonly ReturnStatus[];

/** A newer version from the channel moves the return forward to what the channel says (never back), or out. */
function channelUpdateRows(): ReturnTransitionRule[] {
	const forward = (['authorised', 'in_transit', 'received', 'closed'] as const).map((to) => ({
		from: PATH.slice(0, PATH.indexOf(to)),
		to,
		cause: 'channel_update' as const,
		when: `a newer version from the channel says the return is ${RETURN_STATUS_LABELS[to].toLowerCase()}`,
	}));
	return [
		...forward,
		{ from: ['requested'], to: 'declined', cause: 'channel_update', when: 'the channel declined the request' },
		{ from: ['requested', 'authorised'], to: 'cancelled', cause: 'channel_update', when: 'the channel cancelled the return before the customer shipped it' },
	];
}

/**
 * THE transition table. A status change no row allows is refused (the store's transitionReturn: changed=false with
 * the current state). Rows with an empty `from` are where a new return starts. closed, declined and cancelled are
 * terminal: no row leaves them.
 */
export const RETURN_TRANSITIONS: readonly ReturnTransitionRule[] = [
	// intake: where the channel says the return is (an Amazon RMA is authorised already; a re-poll finds it closed)
	{ from: [], to: 'requested', cause: 'intake', when: 'a new return the channel has not decided on (a request)' },
	{ from: [], to: 'authorised', cause: 'intake', when: 'a new return the channel has authorised already' },
	{ from: [], to: 'in_transit', cause: 'intake', when: 'a new return the customer has shipped already' },
	{ from: [], to: 'received', cause: 'intake', when: 'a new return the channel says was received' },
	{ from: [], to: 'closed', cause: 'intake', when: 'a new return the channel has closed already (a reconciliation poll)' },
	{ from: [], to: 'declined', cause: 'intake', when: 'a new return the channel has declined already' },
	{ from: [], to: 'cancelled', cause: 'intake', when: 'a new return the channel has cancelled already' },
	...channelUpdateRows(),
	// the decision on a request
	{ from: ['requested'], to: 'authorised', cause: 'auto_authorised', when: 'the rule authorises it: requested within N days of delivery' },
	{ from: ['requested'], to: 'authorised', cause: 'operator_authorised', when: 'a person authorises it' },
	{ from: ['requested'], to: 'declined', cause: 'operator_declined', when: 'a person declines it' },
	// the units coming back
	{ from: ['authorised'], to: 'in_transit', cause: 'return_shipped', when: 'the return shipment has a carrier and tracking (the customer shipped it)' },
	{ from: ['authorised', 'in_transit'], to: 'received', cause: 'received', when: 'the warehouse (or the channel) received the units' },
	{ from: ['received'], to: 'inspected', cause: 'inspected', when: 'the units were inspected and each has its disposition' },
	{ from: ['received', 'inspected'], to: 'closed', cause: 'closed', when: 'the units are dealt with and the refund is settled' },
	// a person withdraws it
	{ from: ['requested', 'authorised', 'in_transit'], to: 'cancelled', cause: 'operator_cancel', when: 'a person cancels it before the units arrive' },
];

const BY_CAUSE = new Map<ReturnTransitionCause, Map<ReturnStatus, ReturnTransitionRule[]>>();
for (const r of RETURN_TRANSITIONS) {
	let byTo = BY_CAUSE.get(r.cause);
	if (!byTo) BY_CAUSE.set(r.cause, (byTo = new Map()));
	const list = byTo.get(r.to);
	if (list) list.push(r);
	else byTo.set(r.to, [r]);
}
function rowsFor(to: ReturnStatus, cause: ReturnTransitionCause): readonly ReturnTransitionRule[] {
	return BY_CAUSE.get(cause)?.get(to) ?? [];
}

/** The causes the table knows (the store refuses a request naming another). */
export const RETURN_CAUSES: ReadonlySet<string> = new Set(RETURN_TRANSITIONS.map((r) => r.cause));

/** Whether `cause` may move a return from `from` to `to` (null `from`: a new return, at intake). */
export function canReturnTransition(from: ReturnStatus | null, to: ReturnStatus, cause: ReturnTransitionCause): boolean {
	return rowsFor(to, cause).some((r) => (from === null ? r.from.length === 0 : r.from.includes(from)));
}

/** The statuses `cause` may move a return to `to` from: the compare-and-set list of a writer. */
export function returnFromStatusesFor(to: ReturnStatus, cause: ReturnTransitionCause): ReturnStatus[] {
	const out = new Set<ReturnStatus>();
	for (const r of rowsFor(to, cause)) for (const s of r.from) out.add(s);
	return RETURN_STATUSES.filter((s) => out.has(s));
}

/** Where a new return may start. */
export function initialReturnStatuses(): ReturnStatus[] {
	return RETURN_STATUSES.filter((s) => RETURN_TRANSITIONS.some((r) => r.from.length === 0 && r.to === s));
}

// ------------------------------------------------------------------ named sets, derived from the table

/** No row leaves these. */
export const TERMINAL_RETURN_STATUSES: readonly ReturnStatus[] = RETURN_STATUSES.filter((s) => !RETURN_TRANSITIONS.some((r) => r.from.includes(s)));
/** Returns in these bring no units back: their units do not count as returned (a new return may take them). */
export const NOT_RETURNING: readonly ReturnStatus[] = ['declined', 'cancelled'];
/** Returns in these count their units as returned (or coming back). */
export const RETURNING: readonly ReturnStatus[] = RETURN_STATUSES.filter((s) => !NOT_RETURNING.includes(s));

/** Position on the path (0 requested .. 5 closed); -1 for the exits (declined, cancelled). */
export function returnRank(status: ReturnStatus): number {
	return (PATH as readonly string[]).indexOf(status);
}
