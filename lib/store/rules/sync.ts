/**
 * SyncStore's rules, once for both stores: EDI X12 control numbers, handed out in blocks per scope.
 */
import { row, type Steps } from './tx';

/** Control numbers run 1..CONTROL_NUMBER_MAX and wrap (ISA13 and GS06 have at most 9 digits). */
export const CONTROL_NUMBER_MAX = 999_999_999;

/** The argument check: a clear error naming what was wrong. */
export function checkControlNumberRequest(scope: string, count: number): void {
	if (typeof scope !== 'string' || scope.trim() === '') throw new Error('nextControlNumbers: scope must be a non-empty string');
	if (!Number.isInteger(count) || count < 1 || count >= CONTROL_NUMBER_MAX) {
		throw new Error(`nextControlNumbers: count must be a whole number from 1 to ${CONTROL_NUMBER_MAX - 1}, got ${count}`);
	}
}

/** The last number of the block after `last` (0 for a new scope), wrapping after CONTROL_NUMBER_MAX. */
export function blockEnd(last: number, count: number): number {
	return ((last + count - 1) % CONTROL_NUMBER_MAX) + 1;
}

/** The first number of a block, from the last number the block ended on (both in 1..CONTROL_NUMBER_MAX). */
export function firstOfBlock(last: number, count: number): number {
	return ((((last - count) % CONTROL_NUMBER_MAX) + CONTROL_NUMBER_MAX) % CONTROL_NUMBER_MAX) + 1;
}

/** Take `count` consecutive numbers in `scope`, atomically (the scope's row is locked); the first of them. */
export function* controlNumbersSteps(scope: string, count: number, now: string): Steps<number> {
	checkControlNumberRequest(scope, count);
	const end = blockEnd(yield* row('lockControlNumber', scope, now), count);
	yield* row('writeControlNumber', scope, end, now);
	return firstOfBlock(end, count);
}
