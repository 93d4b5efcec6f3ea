/** Every credential type of the package (credentials/*.credentials.ts), by its name */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ICredentialType } from 'n8n-workflow';

export async function credentialTypes(): Promise<Map<string, ICredentialType>> {
	const dir = join(__dirname, '../../credentials');
	const out = new Map<string, ICredentialType>();
	for (const file of readdirSync(dir).filter((f) => f.endsWith('.credentials.ts'))) {
		const mod = (await import(join(dir, file))) as Record<string, new () => ICredentialType>;
		for (const C of Object.values(mod)) {
			const t = new C();
			out.set(t.name, t);
		}
	}
	return out;
}
