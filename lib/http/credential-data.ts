/**
 * Reading an n8n credential's data (plain field values) into a client's settings (a channel's credentialsFrom, a
 * WMS provider's configFrom): trimmed text, lists typed as "A, B" or given as arrays, whole numbers, and the
 * fields a credential cannot do without. Errors name the field, never its value. Pure; no n8n.
 */
export type CredentialData = Record<string, unknown>;

/** Trimmed text (a finite number as its text), or undefined when empty or neither */
export function str(v: unknown): string | undefined {
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** "A, B" / ["A","B"] -> ["A","B"] */
export function list(v: unknown): string[] {
	if (Array.isArray(v)) return v.map(String).map((s) => s.trim()).filter(Boolean);
	if (typeof v === 'string') return v.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
	return [];
}

/** Throws "<label> credential is missing a, b" for the fields that are empty (never their values) */
export function requireFields(label: string, d: CredentialData, fields: string[]): void {
	const missing = fields.filter((f) => str(d[f]) === undefined && !(Array.isArray(d[f]) && (d[f] as unknown[]).length));
	if (missing.length) throw new Error(`${label} credential is missing ${missing.join(', ')}`);
}

/** A whole number above 0 (typed as text or given as a number); throws "<label> credential: <field> must be ..." */
export function positiveInteger(label: string, d: CredentialData, field: string): number {
	const n = Number(str(d[field]));
	if (!Number.isInteger(n) || n <= 0) throw new Error(`${label} credential: ${field} must be a positive whole number`);
	return n;
}
