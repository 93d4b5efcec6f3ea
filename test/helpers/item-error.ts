/**
 * The ItemError a flow's promise rejects with (the flow refused that input only), for tests to read its message and
 * problems; fails the test when the promise resolves or rejects with anything else.
 */
import { ItemError } from '../../lib/flows';

export async function itemError(p: Promise<unknown>): Promise<ItemError> {
	const e = await p.then(
		() => null,
		(err: unknown) => err,
	);
	expect(e).toBeInstanceOf(ItemError);
	return e as ItemError;
}
