import { pollJob } from '../../../lib/http/poll';
import { VirtualClock } from '../../sandbox/testkit';

describe('pollJob: waiting for a channel job', () => {
	it('checks after 2 s, then doubles the wait up to 30 s, and returns the value once done', async () => {
		const clock = new VirtualClock(0);
		const at: number[] = [];
		const v = await pollJob({
			what: 'feed 1',
			clock,
			check: async () => {
				at.push(clock.now());
				return at.length === 7 ? { done: true, value: 'ok' } : { done: false, status: 'IN_PROGRESS' };
			},
		});
		expect(v).toBe('ok');
		expect(at).toEqual([2_000, 6_000, 14_000, 30_000, 60_000, 90_000, 120_000]);
	});

	it('scales every duration and throws, naming the job and its last status, after the longest wait', async () => {
		const clock = new VirtualClock(0);
		let checks = 0;
		const err = (await pollJob({ what: 'Walmart inventory feed X@Y', clock, timeScale: 0.01, maxWaitMs: 600_000, check: async () => (checks++, { done: false, status: 'RECEIVED' }) }).catch((e) => e)) as Error;
		expect(err.message).toBe('Walmart inventory feed X@Y is still RECEIVED after 0 min; its result is not known yet');
		// 20, 40, 80, 160, 300, 300, … ms until 6,000 ms had passed
		expect(clock.now()).toBeGreaterThanOrEqual(6_000);
		expect(checks).toBe(4 + Math.ceil((6_000 - 300) / 300));
	});
});
