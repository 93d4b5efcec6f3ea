/**
 * lib/http/cursor.ts: small helpers the channel clients share for polling cursors.
 *
 * API (stable):
 *   startTime(cursor: string | null, lookbackFrom?: string, now?: number): string   ISO start of a listing
 *   cursorAfter(maxUpdatedMs: number | undefined, previous: string, overlapMs: number): string
 *       the newest updated time seen minus an overlap (never earlier than `previous`), ISO with milliseconds.
 *       The overlap re-reads a few orders next time; intake is idempotent, so a re-read costs nothing but a
 *       late-arriving write with an older timestamp is not missed.
 *   toMs(value): number | undefined   ISO string / epoch ms / Woo's zone-less GMT string to epoch ms
 */
export function toMs(value: unknown, assumeUtc = true): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value !== 'string' || !value) return undefined;
	let s = value;
	if (assumeUtc && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += 'Z';
	const t = Date.parse(s);
	return Number.isFinite(t) ? t : undefined;
}

export function startTime(cursor: string | null, lookbackFrom?: string, now: number = Date.now()): string {
	if (cursor && toMs(cursor) !== undefined) return new Date(toMs(cursor) as number).toISOString();
	if (lookbackFrom && toMs(lookbackFrom) !== undefined) return new Date(toMs(lookbackFrom) as number).toISOString();
	return new Date(now - 24 * 3600_000).toISOString();
}

export function cursorAfter(maxUpdatedMs: number | undefined, previous: string, overlapMs: number): string {
	const prev = toMs(previous) ?? 0;
	if (maxUpdatedMs === undefined) return new Date(prev).toISOString();
	return new Date(Math.max(prev, maxUpdatedMs - overlapMs)).toISOString();
}
