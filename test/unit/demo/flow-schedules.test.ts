/**
 * The e2e/demo harness's shortened schedules (test/e2e/harness/flow.ts speedUp) mean what they say: n8n builds the cron
 * `*\/n * * * * *` from a seconds interval, and for n above 59 that fires every minute, so "every 3600 seconds" ran the
 * WMS status sync every minute in tests that counted on it not running.
 */
import { everySeconds, loadTemplate, speedUp } from '../../e2e/harness/flow';

const ruleOf = (file: string, s: Parameters<typeof speedUp>[1], name?: string) =>
	speedUp(loadTemplate(file), s).nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger' && (!name || n.name === name))!.parameters.rule;

describe('speedUp schedules', () => {
	const slow = { wmsStatusSyncSec: 3600, inventorySyncSec: 30, reconciliationMin: 60 };
	it('an hour is an hourly rule, not a seconds interval (which n8n would fire every minute)', () => {
		expect(ruleOf('wms-status-sync.json', slow)).toEqual({ interval: [{ field: 'hours', hoursInterval: 1 }] });
		expect(ruleOf('channel-reconciliation.json', slow)).toEqual({ interval: [{ field: 'hours', hoursInterval: 1 }] });
		expect(ruleOf('inventory-sync.json', slow)).toEqual({ interval: [{ field: 'seconds', secondsInterval: 30 }] });
		expect(ruleOf('recovery-attention.json', { ...slow, channelCallsSec: 120 }, 'Every 5 Minutes, Channel Calls')).toEqual({ interval: [{ field: 'minutes', minutesInterval: 2 }] });
	});
	it('refuses an interval n8n cannot express instead of running it every minute', () => {
		expect(everySeconds(59)).toEqual({ interval: [{ field: 'seconds', secondsInterval: 59 }] });
		expect(() => everySeconds(90)).toThrow(/no Schedule Trigger interval of 90 s/);
		expect(() => everySeconds(0)).toThrow(/no Schedule Trigger interval of 0 s/);
	});
});
