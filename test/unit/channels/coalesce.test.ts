/**
 * QuantityCoalescer: quantities submitted while a call for the account is out wait in one pending set (newest per
 * SKU) and go in the next call; every caller gets the channel's answer for its SKU, and a replaced quantity is
 * marked superseded. Sends are controlled by hand so each step is deterministic.
 */
import { CoalescerRegistry, QuantityCoalescer } from '../../../lib/channels/coalesce';
import type { QuantityResult, QuantityUpdate } from '../../../lib/channels/types';

/** A send whose calls are recorded and answered only when the test says so */
function gate() {
	const calls: Array<{ updates: QuantityUpdate[]; answer(fail?: (u: QuantityUpdate) => string | null): void; throwWith(e: Error): void }> = [];
	const send = (updates: QuantityUpdate[]) =>
		new Promise<QuantityResult[]>((resolve, reject) => {
			calls.push({
				updates,
				answer: (fail) => resolve(updates.map((u) => (fail?.(u) ? { sku: u.sku, quantity: u.quantity, ok: false, error: fail(u)! } : { sku: u.sku, quantity: u.quantity, ok: true, status: 200 }))),
				throwWith: (e) => reject(e),
			});
		});
	return { calls, send };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('QuantityCoalescer', () => {
	it('sends at once when idle; what arrives during the call goes in ONE next call with the newest quantity per SKU', async () => {
		const c = new QuantityCoalescer();
		const g = gate();
		const first = c.submit([{ update: { sku: 'A', quantity: 9 } }], g.send);
		await tick();
		expect(g.calls.map((x) => x.updates)).toEqual([[{ sku: 'A', quantity: 9 }]]);
		const second = c.submit([{ update: { sku: 'A', quantity: 8 } }, { update: { sku: 'B', quantity: 5 } }], g.send);
		const third = c.submit([{ update: { sku: 'A', quantity: 7 } }], g.send);
		await tick();
		expect(g.calls).toHaveLength(1); // still waiting for the first answer
		g.calls[0].answer();
		expect(await first).toEqual([{ sku: 'A', quantity: 9, ok: true, status: 200, requested: 9, superseded: false }]);
		await tick();
		expect(g.calls.map((x) => x.updates)).toEqual([[{ sku: 'A', quantity: 9 }], [{ sku: 'A', quantity: 7 }, { sku: 'B', quantity: 5 }]]);
		g.calls[1].answer();
		expect(await second).toEqual([
			{ sku: 'A', quantity: 7, ok: true, status: 200, requested: 8, superseded: true },
			{ sku: 'B', quantity: 5, ok: true, status: 200, requested: 5, superseded: false },
		]);
		expect(await third).toEqual([{ sku: 'A', quantity: 7, ok: true, status: 200, requested: 7, superseded: false }]);
		expect(c.stats).toEqual({ calls: 2, sent: 3, submitted: 4, superseded: 1 });
	});

	it('keeps the quantity with the higher basis, whatever the order it arrived in', async () => {
		const c = new QuantityCoalescer();
		const g = gate();
		const busy = c.submit([{ update: { sku: 'Z', quantity: 1 } }], g.send);
		await tick();
		const newer = c.submit([{ update: { sku: 'A', quantity: 3 }, basis: 12 }], g.send);
		const older = c.submit([{ update: { sku: 'A', quantity: 4 }, basis: 11 }], g.send);
		g.calls[0].answer();
		await busy;
		await tick();
		expect(g.calls[1].updates).toEqual([{ sku: 'A', quantity: 3 }]);
		g.calls[1].answer();
		expect((await newer)[0]).toMatchObject({ quantity: 3, superseded: false });
		expect((await older)[0]).toMatchObject({ quantity: 3, requested: 4, superseded: true });
	});

	it('a refused SKU is refused for every caller waiting on it, and the others are not affected', async () => {
		const c = new QuantityCoalescer();
		const g = gate();
		const p = c.submit([{ update: { sku: 'GONE', quantity: 2 } }, { update: { sku: 'OK', quantity: 1 } }], g.send);
		await tick();
		g.calls[0].answer((u) => (u.sku === 'GONE' ? 'SKU not found' : null));
		expect(await p).toEqual([
			{ sku: 'GONE', quantity: 2, ok: false, error: 'SKU not found', requested: 2, superseded: false },
			{ sku: 'OK', quantity: 1, ok: true, status: 200, requested: 1, superseded: false },
		]);
	});

	it('a call that throws rejects only the callers in that call; the next call goes out', async () => {
		const c = new QuantityCoalescer();
		const g = gate();
		const a = c.submit([{ update: { sku: 'A', quantity: 1 } }], g.send);
		await tick();
		const b = c.submit([{ update: { sku: 'B', quantity: 2 } }], g.send);
		g.calls[0].throwWith(new Error('401 Unauthorized'));
		await expect(a).rejects.toThrow('401 Unauthorized');
		await tick();
		expect(g.calls[1].updates).toEqual([{ sku: 'B', quantity: 2 }]);
		g.calls[1].answer();
		expect((await b)[0]).toMatchObject({ sku: 'B', ok: true });
		// idle again: a new submission is sent at once
		const d = c.submit([{ update: { sku: 'C', quantity: 3 } }], g.send);
		await tick();
		expect(g.calls).toHaveLength(3);
		g.calls[2].answer();
		await d;
	});

	it('the same SKU twice in one submission is sent once, both items answered', async () => {
		const c = new QuantityCoalescer();
		const g = gate();
		const p = c.submit([{ update: { sku: 'A', quantity: 5 } }, { update: { sku: 'A', quantity: 4 } }], g.send);
		await tick();
		expect(g.calls[0].updates).toEqual([{ sku: 'A', quantity: 4 }]);
		g.calls[0].answer();
		expect((await p).map((r) => [r.quantity, r.requested, r.superseded])).toEqual([
			[4, 5, true],
			[4, 4, false],
		]);
	});

	it('accounts never share a call', async () => {
		const reg = new CoalescerRegistry();
		expect(reg.for('walmart:cred-1')).toBe(reg.for('walmart:cred-1'));
		expect(reg.for('walmart:cred-1')).not.toBe(reg.for('walmart:cred-2'));
	});
});
