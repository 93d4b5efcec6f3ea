/**
 * Reading an n8n credential's data (plain field values) for a channel's credentialsFrom: trimmed text, lists typed
 * as "A, B" or given as arrays, and the fields a credential cannot do without. Pure; no n8n.
 */
export type CredentialData = Record<string, unknown>;

/** Trimmed text, or undefined when empty or not text */
export function str(v: unknown): string | undefined {
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
