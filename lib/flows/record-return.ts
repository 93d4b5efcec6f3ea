/**
 * Record a return (the future Returns node's Record, and every channel's return intake): one canonical return into
 * the store, idempotent per channel return id (the same version twice records once, a newer one updates). A return
 * is refused, on its item only, with every problem and its JSON path (ItemError): when it is not a valid canonical
 * return, when the OMS does not know its order, and when it takes back more units of a line than were shipped minus
 * those the order's other returns take. It is never guessed onto another order or line. n8n-free.
 */
import { formatProblems } from '../order/validate';
import type { CanonicalReturn } from '../returns/types';
import { validateReturn } from '../returns/validate';
import type { ReturnRecordResult, Store } from '../store/types';
import { ItemError } from './item-error';

export interface RecordedReturn extends ReturnRecordResult {
	outcome: 'new' | 'updated' | 'duplicate';
}

const REFUSED: Record<NonNullable<ReturnRecordResult['reason']>, string> = {
	unknown_order: 'the OMS has no such order (record the order first)',
	other_order: 'it is recorded for another order',
	units: 'it takes back more units than the order can give back',
	same_version: '',
	older_version: '',
};

/** Record one return; throws ItemError (naming each field) for a return the OMS refuses. */
export async function recordReturn(store: Store, input: unknown, opts: { cause: string }): Promise<RecordedReturn> {
	const problems = validateReturn(input);
	const id = typeof (input as { returnId?: unknown })?.returnId === 'string' ? ` ${(input as { returnId: string }).returnId}` : '';
	if (problems.length) {
		throw new ItemError(`Invalid return${id}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${formatProblems(problems)}`, problems);
	}
	const ret = input as CanonicalReturn;
	const res = await store.recordReturn(ret, { cause: opts.cause });
	if (res.outcome === 'refused') {
		const found = res.problems ?? [];
		throw new ItemError(`Return ${ret.returnId} of order ${ret.omsId} refused: ${REFUSED[res.reason!]}\n${formatProblems(found)}`, found);
	}
	return res as RecordedReturn;
}
