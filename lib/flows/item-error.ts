/**
 * A problem with one input (an item: an order, a line, a parameter's value): the flow refuses that input only, and the
 * node turns it into that item's error (nodes/shared/items.ts errorItem), with every problem and its JSON path.
 */
export class ItemError extends Error {
	constructor(
		message: string,
		readonly problems: Array<{ path: string; message: string }> = [],
	) {
		super(message);
		this.name = 'ItemError';
	}
}
