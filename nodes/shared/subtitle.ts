/**
 * Node subtitles (the grey line under a node on the canvas) that show display names, not parameter values.
 *
 * n8n's editor evaluates a node's `subtitle` as an expression over the node's parameters (useNodeHelpers
 * getNodeSubtitle); it runs on the canvas only, never when a workflow runs. An expression has no lookup of an
 * option's display name, so each subtitle carries a table from value to name, written next to the node's options.
 * test/nodes/descriptions.test.ts evaluates every node's subtitle for every option through n8n's expression engine
 * and holds each table to the names the options show.
 */

/** Option value -> the name the option shows, for one parameter. */
export type OptionNames = Record<string, string>;

const parameter = (name: string) => `$parameter[${JSON.stringify(name)}]`;

/**
 * A subtitle from a template: each `{parameter}` becomes the display name of that parameter's value (empty for a
 * value the table does not know), the rest is kept as written. `subtitle('{operation}: {channel}', {...})` gives e.g.
 * "Cancel Order or Lines: From Item".
 */
export function subtitle(template: string, names: Record<string, OptionNames>): string {
	const parts = template
		.split(/(\{\w+\})/)
		.filter((part) => part !== '')
		.map((part) => {
			const name = /^\{(\w+)\}$/.exec(part)?.[1];
			if (name === undefined) return JSON.stringify(part);
			const table = names[name];
			if (!table) throw new Error(`subtitle: no option names for {${name}}`);
			return `(${JSON.stringify(table)}[${parameter(name)}] || "")`;
		});
	return `={{ ${parts.join(' + ')} }}`;
}

/** A subtitle for a multi-options parameter: the display names of the chosen values, comma-separated. */
export function listSubtitle(name: string, names: OptionNames): string {
	return `={{ [].concat(${parameter(name)} || []).map((value) => (${JSON.stringify(names)})[value]).filter((shown) => shown).join(", ") }}`;
}
