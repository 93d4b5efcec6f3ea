/**
 * A sales channel's refund calls, faked for the flow and node tests: it makes each refund once per idempotency key,
 * as Shopify does, and faults are staged per call. The clients against the sandboxes are tested in
 * test/unit/channels/refund-clients.test.ts.
 */
import type { ChannelClient, RefundInput } from '../../lib/channels/types';

export type Fault = 'lost' | 'unavailable' | 'refused' | 'lost_ask';
/** A channel that makes each refund once per idempotency key; faults staged per call */
export class FakeRefunds {
	readonly made = new Map<string, { refundId: string; input: RefundInput }>();
	/** every refund write that reached the channel */
	readonly writes: RefundInput[] = [];
	readonly asked: string[] = [];
	faults: Fault[] = [];
	private seq = 0;
	client(channel = 'shopify'): ChannelClient {
		return {
			channel,
			account: `${channel}:test`,
			refundReturn: async (input: RefundInput) => {
				const fault = this.faults[0] === 'lost' || this.faults[0] === 'unavailable' || this.faults[0] === 'refused' ? this.faults.shift() : undefined;
				if (fault === 'unavailable') throw Object.assign(new Error('503 Service Unavailable'), { status: 503, code: 'HTTP_503', retryable: true });
				if (fault === 'refused') throw Object.assign(new Error('422: refund amount exceeds the refundable amount'), { status: 422, code: 'HTTP_422', retryable: false, vendorMessage: 'refund amount exceeds the refundable amount' });
				this.writes.push(input);
				if (!this.made.has(input.idempotencyKey)) this.made.set(input.idempotencyKey, { refundId: `RF${++this.seq}`, input });
				if (fault === 'lost') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
				return { refundId: this.made.get(input.idempotencyKey)!.refundId, status: 200 };
			},
			findRefund: async (input: RefundInput) => {
				this.asked.push(input.idempotencyKey);
				if (this.faults[0] === 'lost_ask') {
					this.faults.shift();
					throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
				}
				const m = this.made.get(input.idempotencyKey);
				return m ? { refundId: m.refundId } : null;
			},
		} as unknown as ChannelClient;
	}
}

