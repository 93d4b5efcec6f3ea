/**
 * Name clashes between this package and n8n's built-in node packages (issue 17).
 *
 * - Credential type names: n8n keeps one registry of credential types keyed by the bare name, whatever package
 *   defines them, so a credential type of ours named like one of n8n's replaces n8n's on an instance with the package
 *   installed (this is how `shopifyApi` and `wooCommerceApi` broke n8n's Shopify and WooCommerce nodes in 0.1.0).
 * - Node type names: n8n keys node types by package and name (`n8n-nodes-oms-wms.omsOrder`), so a same-named node does
 *   not replace n8n's, but the bare name is what workflows, credentials' node lists and users' searches show; the
 *   package keeps every bare name its own, including the "<name>Tool" types n8n generates for usable-as-tool nodes.
 * - Display names: two credential types or two nodes with one display name are two identical entries in the
 *   editor's credential and node pickers.
 * Display names are compared without case and surrounding blanks.
 */
import type { BuiltinNames } from '../../../scripts/n8n-builtin-names';

export interface TypeName {
	name: string;
	displayName: string;
}

/** Every credential type and node type the package defines (a list, so that a name defined twice shows). */
export interface OurNames {
	credentials: TypeName[];
	nodes: TypeName[];
}

interface Owner {
	where: string;
	name: string;
}

const displayKey = (displayName: string) => displayName.trim().toLowerCase();

function index(builtin: BuiltinNames, kind: 'credentials' | 'nodes') {
	const byName = new Map<string, Owner[]>();
	const byDisplay = new Map<string, Owner[]>();
	for (const [n8nVersion, packages] of Object.entries(builtin.versions)) {
		for (const [pkg, names] of Object.entries(packages)) {
			for (const [name, displayName] of Object.entries(names[kind])) {
				const owner = { where: `${pkg} (n8n ${n8nVersion})`, name };
				byName.set(name, [...(byName.get(name) ?? []), owner]);
				if (displayName) byDisplay.set(displayKey(displayName), [...(byDisplay.get(displayKey(displayName)) ?? []), owner]);
			}
		}
	}
	return { byName, byDisplay };
}

const places = (owners: Owner[]) => [...new Set(owners.map((o) => o.where))].join(', ');

/** Every clash between our names and the built-in ones of every n8n version in `builtin`, one sentence each. */
export function findNameClashes(ours: OurNames, builtin: BuiltinNames): string[] {
	const clashes: string[] = [];
	for (const kind of ['credentials', 'nodes'] as const) {
		const what = kind === 'credentials' ? 'credential type' : 'node type';
		const { byName, byDisplay } = index(builtin, kind);
		const ourNames = new Map<string, number>();
		const ourDisplays = new Map<string, string[]>();
		for (const { name, displayName } of ours[kind]) {
			ourNames.set(name, (ourNames.get(name) ?? 0) + 1);
			const sameName = byName.get(name);
			if (sameName) clashes.push(`${what} name "${name}" is also defined by ${places(sameName)}`);
			const sameDisplay = byDisplay.get(displayKey(displayName));
			if (sameDisplay) {
				clashes.push(`${what} "${name}" has the display name "${displayName}" of ${[...new Set(sameDisplay.map((o) => o.name))].join(', ')} in ${places(sameDisplay)}`);
			}
			ourDisplays.set(displayKey(displayName), [...(ourDisplays.get(displayKey(displayName)) ?? []), name]);
		}
		for (const [name, count] of ourNames) {
			if (count > 1) clashes.push(`${what} name "${name}" is defined ${count} times by this package`);
		}
		for (const [display, names] of ourDisplays) {
			if (names.length > 1) clashes.push(`${what}s ${names.join(', ')} of this package share the display name "${display}"`);
		}
	}
	return clashes;
}
