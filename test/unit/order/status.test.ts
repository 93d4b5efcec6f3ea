/**
 * The transition table (lib/order/status.ts) walked whole: every row allowed, everything else refused, every status
 * reachable from intake, terminal statuses left only as the table says, and the rules built on it (the channel's
 * readiness, the WMS's forward-only moves) giving the answers they gave before the table existed.
 */
import {
	AT_OR_PAST_WMS,
	canTransition,
	ENDED,
	fromStatusesFor,
	HOLD_LABELS,
	HOLD_REASONS,
	initialStatuses,
	OMS_STATUSES,
	OVERRIDE_CAUSES,
	PRE_WMS,
	PUSHABLE_FIRST,
	PUSHABLE_LATER,
	ROUTABLE,
	STATUS_LABELS,
	TRANSITIONS,
	UNSOLD_STATUSES,
	WMS_CANCELLABLE,
	WMS_STATUSES,
	wmsRank,
	type Hold,
	type OmsStatus,
	type TransitionCause,
} from '../../../lib/order/status';
import { initialStatus, statusOnChannelUpdate } from '../../../lib/order/lifecycle';
import { READINESS, type Readiness } from '../../../lib/order/types';
import { canAdvance, laterStatus, statusRank } from '../../../lib/wms/status';

const S = OMS_STATUSES;
const except = (...out: OmsStatus[]) => S.filter((s) => !out.includes(s));

/**
 * The table as the behaviour asks for it, written out by hand (cause -> to -> from): a change to
 * lib/order/status.ts that is not also made here fails, so no transition is added or dropped by accident.
 */
const EXPECTED: Record<TransitionCause, Partial<Record<OmsStatus, readonly OmsStatus[]>>> = {
	intake: { received: [], on_hold: [], cancelled: [], shipped: [] },
	channel_paid: { received: ['on_hold'] },
	channel_unpaid: { on_hold: ['received'] },
	channel_cancelled: { cancelled: except('cancelled', 'shipped', 'delivered', 'at_wms', 'picked', 'packed') },
	channel_shipped: { shipped: except('cancelled', 'shipped', 'delivered') },
	channel_change_held: { at_wms: ['at_wms'], picked: ['picked'], packed: ['packed'], shipped: ['shipped'], delivered: ['delivered'] },
	fraud_review: { fraud_review: ['received', 'on_hold'] },
	fraud_reject: { rejected: ['received', 'on_hold', 'fraud_review'] },
	review_approved: { received: ['fraud_review'] },
	review_rejected: { rejected: ['fraud_review'] },
	allocated: { ready: ['received', 'backordered', 'ready'] },
	backordered: { backordered: ['received', 'backordered', 'ready'] },
	cancel_unavailable: { cancelled: ['received', 'backordered', 'ready'] },
	release_held: { ready: ['backordered'], backordered: ['backordered'], cancelled: ['backordered'] },
	sent_to_wms: { at_wms: ['received', 'on_hold', 'fraud_review', 'ready'] },
	wms_progress: {
		at_wms: ['received', 'on_hold', 'fraud_review', 'ready'],
		picked: ['received', 'on_hold', 'fraud_review', 'ready', 'at_wms'],
		packed: ['received', 'on_hold', 'fraud_review', 'ready', 'at_wms', 'picked'],
		shipped: ['received', 'on_hold', 'fraud_review', 'ready', 'at_wms', 'picked', 'packed'],
		delivered: ['received', 'on_hold', 'fraud_review', 'ready', 'at_wms', 'picked', 'packed', 'shipped'],
	},
	wms_cancelled: { cancelled: ['received', 'on_hold', 'fraud_review', 'backordered', 'ready', 'at_wms', 'picked', 'packed'] },
	edi_rejected: { on_hold: ['at_wms'] },
	wms_failed: { on_hold: ['ready'] },
	wms_released: { ready: ['on_hold'] },
	operator_cancel: { cancelled: ['received', 'on_hold', 'fraud_review', 'rejected', 'backordered', 'ready'] },
	operator_status: Object.fromEntries(S.map((to) => [to, S])),
};
const CAUSES = Object.keys(EXPECTED) as TransitionCause[];
const AWAITING: Hold = { reason: 'awaiting_payment', since: '2026-05-01T00:00:00.000Z', detail: null };
const WMS_FAILED: Hold = { reason: 'wms_failed', since: '2026-05-01T00:00:00.000Z', detail: 'ShipBob: 422 invalid address' };
/** The hold each row that asks for one needs (the walk gives it, so the row itself is what is tested) */
const HOLD_FOR: Partial<Record<TransitionCause, Hold>> = { wms_released: WMS_FAILED };

describe('the transition table', () => {
	it('has exactly the expected rows: every one allowed, every other (from, to, cause) refused', () => {
		const causesInTable = new Set(TRANSITIONS.map((r) => r.cause));
		expect([...causesInTable].sort()).toEqual([...CAUSES].sort());
		let allowed = 0;
		for (const cause of CAUSES) {
			for (const to of S) {
				const from = EXPECTED[cause][to];
				expect([cause, to, fromStatusesFor(to, cause)]).toEqual([cause, to, S.filter((s) => from?.includes(s))]);
				for (const f of S) {
					// channel_paid asks for the payment hold: give it, so the row itself is what is tested here
					const ok = canTransition(f, to, cause, HOLD_FOR[cause] ?? AWAITING);
					expect([cause, f, to, ok]).toEqual([cause, f, to, !!from?.includes(f)]);
					if (ok) allowed++;
				}
			}
		}
		// sanity of the walk itself: it saw the operator's 144 overrides and the process rows
		expect(allowed).toBeGreaterThan(S.length * S.length);
	});

	it('asks for the hold a row names: a paid channel releases only an order held for payment', () => {
		expect(canTransition('on_hold', 'received', 'channel_paid', AWAITING)).toBe(true);
		expect(canTransition('on_hold', 'received', 'channel_paid', { reason: 'address' })).toBe(false);
		expect(canTransition('on_hold', 'received', 'channel_paid', null)).toBe(false);
		expect(canTransition('on_hold', 'received', 'channel_paid')).toBe(false);
	});

	it('releases only an order held for a failed WMS delivery back to ready (OMS Order > Release)', () => {
		expect(canTransition('on_hold', 'ready', 'wms_released', WMS_FAILED)).toBe(true);
		expect(canTransition('on_hold', 'ready', 'wms_released', AWAITING)).toBe(false);
		expect(canTransition('on_hold', 'ready', 'wms_released', { reason: 'operator' })).toBe(false);
		expect(canTransition('at_wms', 'on_hold', 'wms_failed')).toBe(false);
		expect(canTransition('ready', 'on_hold', 'wms_failed')).toBe(true);
	});

	it('starts new orders where intake can put them, and reaches every status from there without an override', () => {
		expect(initialStatuses()).toEqual(['on_hold', 'received', 'shipped', 'cancelled'].sort((a, b) => S.indexOf(a as OmsStatus) - S.indexOf(b as OmsStatus)));
		for (const r of READINESS) expect(initialStatuses()).toContain(initialStatus(r, AWAITING.since).status);
		const reached = new Set<OmsStatus>(initialStatuses());
		for (let grew = true; grew; ) {
			grew = false;
			for (const row of TRANSITIONS) {
				if (OVERRIDE_CAUSES.includes(row.cause) || reached.has(row.to)) continue;
				if (row.from.some((f) => reached.has(f))) {
					reached.add(row.to);
					grew = true;
				}
			}
		}
		expect(S.filter((s) => !reached.has(s))).toEqual([]);
	});

	it('leaves delivered and cancelled only by an override, and rejected only when the channel or an operator acts', () => {
		const out = (s: OmsStatus) => [...new Set(TRANSITIONS.filter((r) => r.from.includes(s) && r.to !== s).map((r) => r.cause))].sort();
		expect(out('delivered')).toEqual(['operator_status']);
		expect(out('cancelled')).toEqual(['operator_status']);
		expect(out('rejected')).toEqual(['channel_cancelled', 'channel_shipped', 'operator_cancel', 'operator_status']);
	});

	it('moves an order on the WMS leg only forward, except to cancel it or when the EDI partner refuses the 940', () => {
		for (const row of TRANSITIONS) {
			if (OVERRIDE_CAUSES.includes(row.cause)) continue;
			for (const from of row.from) {
				if (wmsRank(from) <= 0 || from === row.to) continue;
				const forward = wmsRank(row.to) > wmsRank(from);
				expect([row.cause, from, row.to, forward || row.to === 'cancelled' || row.cause === 'edi_rejected']).toEqual([row.cause, from, row.to, true]);
			}
		}
	});

	it('refuses rejected -> at_wms (lifecycle.ts allowed it, lib/wms/status.ts refused it: the refusal won)', () => {
		for (const cause of CAUSES.filter((c) => !OVERRIDE_CAUSES.includes(c))) {
			for (const to of ['at_wms', 'picked', 'packed', 'shipped', 'delivered'] as const) {
				if (cause === 'channel_shipped' && to === 'shipped') continue; // the channel says it shipped: it did
				expect([cause, to, canTransition('rejected', to, cause)]).toEqual([cause, to, false]);
			}
		}
		expect(canAdvance('rejected', 'at_wms')).toBe(false);
		expect(canAdvance('rejected', 'cancelled')).toBe(false);
	});

	it('derives the named sets the writers use from the table', () => {
		expect(PRE_WMS).toEqual(['received', 'on_hold', 'fraud_review', 'ready']);
		expect(ROUTABLE).toEqual(['received', 'backordered', 'ready']);
		expect(AT_OR_PAST_WMS).toEqual(['at_wms', 'picked', 'packed', 'shipped', 'delivered']);
		expect(WMS_CANCELLABLE).toEqual(['received', 'on_hold', 'fraud_review', 'backordered', 'ready', 'at_wms', 'picked', 'packed']);
		expect(WMS_STATUSES).toEqual(['at_wms', 'picked', 'packed', 'shipped', 'delivered', 'cancelled']);
		expect(PUSHABLE_FIRST).toEqual(['ready']);
		expect(PUSHABLE_LATER).toEqual(['ready', 'backordered', 'at_wms', 'picked', 'packed', 'shipped']);
		expect(UNSOLD_STATUSES).toEqual(['rejected', 'fraud_review', 'cancelled']);
		expect(ENDED).toEqual(['cancelled', 'rejected']);
		expect(S.map((s) => [s, wmsRank(s)])).toEqual([
			['received', 0], ['on_hold', 0], ['fraud_review', 0], ['rejected', -1], ['backordered', 0], ['ready', 0],
			['at_wms', 1], ['picked', 2], ['packed', 3], ['shipped', 4], ['delivered', 5], ['cancelled', -1],
		]);
	});

	it('labels every status and hold reason once (the node options read these)', () => {
		expect(Object.keys(STATUS_LABELS).sort()).toEqual([...S].sort());
		expect(Object.keys(HOLD_LABELS).sort()).toEqual([...HOLD_REASONS].sort());
		expect(new Set(Object.values(STATUS_LABELS)).size).toBe(S.length);
	});
});

describe('the channel readiness rules, through the table', () => {
	/** The rule as lib/order/lifecycle.ts wrote it before the table (the specification it must keep), but for one change
	 * (issue 20): a channel's cancel no longer moves an order the WMS has (at_wms, picked, packed); the WMS cancels it
	 * first (lib/flows/apply-channel-change), so the OMS never says cancelled about an order the warehouse may ship. */
	function before(current: OmsStatus, hold: Hold | null, readiness: Readiness): OmsStatus | null {
		if (current === 'cancelled') return null;
		if (readiness === 'cancelled') return ['shipped', 'delivered', 'at_wms', 'picked', 'packed'].includes(current) ? null : 'cancelled';
		if (readiness === 'ready' && current === 'on_hold' && hold?.reason === 'awaiting_payment') return 'received';
		if (readiness === 'pending' && current === 'received') return 'on_hold';
		if (readiness === 'shipped' && current !== 'shipped' && current !== 'delivered') return 'shipped';
		return null;
	}

	it('moves a recorded order on a newer channel version exactly as before, for every status, hold and readiness', () => {
		const at = '2026-05-02T10:00:00.000Z';
		for (const current of S) {
			for (const hold of [null, AWAITING, { ...AWAITING, reason: 'operator' as const }]) {
				for (const r of READINESS) {
					const got = statusOnChannelUpdate(current, hold, r, at);
					expect([current, hold?.reason, r, got?.status ?? null]).toEqual([current, hold?.reason, r, before(current, hold, r)]);
					if (got) expect(canTransition(current, got.status, got.cause, hold)).toBe(true);
				}
			}
		}
		expect(statusOnChannelUpdate('received', null, 'pending', at)?.hold).toEqual({ reason: 'awaiting_payment', since: at, detail: 'The channel has not marked the order paid' });
		expect(statusOnChannelUpdate('on_hold', AWAITING, 'ready', at)?.hold).toBeNull();
	});

	it('starts a new order by its readiness', () => {
		const at = '2026-05-02T10:00:00.000Z';
		expect(READINESS.map((r) => [r, initialStatus(r, at)])).toEqual([
			['ready', { status: 'received', hold: null }],
			['pending', { status: 'on_hold', hold: { reason: 'awaiting_payment', since: at, detail: 'The channel has not marked the order paid' } }],
			['cancelled', { status: 'cancelled', hold: null }],
			['shipped', { status: 'shipped', hold: null }],
		]);
	});
});

describe('the WMS forward-only rule, through the table', () => {
	/** lib/wms/status.ts canAdvance before the table */
	function rankBefore(s: OmsStatus): number {
		return ({ at_wms: 1, picked: 2, packed: 3, shipped: 4, delivered: 5, cancelled: -1, rejected: -1 } as Partial<Record<OmsStatus, number>>)[s] ?? 0;
	}
	function advanceBefore(from: OmsStatus, to: (typeof WMS_STATUSES)[number]): boolean {
		if (from === to) return false;
		const f = rankBefore(from);
		if (f < 0 || from === 'delivered') return false;
		if (to === 'cancelled') return f < 4;
		return rankBefore(to) > f;
	}

	it('answers as before for every pair, but for backordered, which only a cancellation moves (as applyUpdates did)', () => {
		for (const from of S) {
			expect(statusRank(from)).toBe(rankBefore(from));
			for (const to of WMS_STATUSES) {
				const expected = from === 'backordered' && to !== 'cancelled' ? false : advanceBefore(from, to);
				expect([from, to, canAdvance(from, to)]).toEqual([from, to, expected]);
			}
		}
	});

	it('keeps the later of two WMS statuses for a reference', () => {
		expect(laterStatus('picked', 'cancelled')).toBe('cancelled');
		expect(laterStatus('shipped', 'cancelled')).toBe('shipped');
		expect(laterStatus('packed', 'picked')).toBe('packed');
		expect(laterStatus('at_wms', 'delivered')).toBe('delivered');
	});
});
