import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { REPORTS, runReport, toCsv, toHtml, toMarkdown, type PeriodPreset, type ReportName, type ReportOptions } from '../../lib/report';
import { errorItem } from '../shared/items';
import { getStore, omsStoreConnectionTest } from '../shared/store';
import { subtitle } from '../shared/subtitle';
import { description } from './description';

export class ReportBuilder implements INodeType {
	// n8n's node review (its lint) reads icon, group, subtitle, usableAsTool and credentials here; the rest: ./description
	description: INodeTypeDescription = {
		...description,
		icon: { light: 'file:reportBuilder.svg', dark: 'file:reportBuilder.dark.svg' },
		group: ['transform'],
		subtitle: subtitle('{report}', {
			report: {
				attention: 'Attention (What a Person Must Act On)',
				backorders: 'Backorders by SKU',
				fraud: 'Fraud Decisions by Channel and Rule',
				sla: 'Fulfilment SLA per Channel',
				inventory: 'Inventory Position per SKU',
				byChannel: 'Orders by Channel',
				byDay: 'Orders by Day and Channel',
				byStatus: 'Orders by Status',
				returnsByReason: 'Returns by Reason',
				returnsBySku: 'Returns by SKU',
				returns: 'Returns by Source',
				topSkus: 'Top SKUs',
			},
		}),
		// Offered to AI agents (OMS Report Tool): a report only reads the store.
		usableAsTool: true,
		credentials: [{ name: 'omsStoreApi', required: false, testedBy: 'omsStoreConnectionTest' }],
	};

	methods = { credentialTest: { omsStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const store = await getStore(this);
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const report = this.getNodeParameter('report', i) as ReportName;
				const periodic = REPORTS[report]?.periodic ?? true;
				const preset = (periodic ? this.getNodeParameter('period', i, 'yesterday') : 'today') as PeriodPreset;
				const timeZone = ((this.getNodeParameter('timeZone', i, '') as string) || this.getTimezone() || 'UTC').trim();
				const opts = this.getNodeParameter('options', i, {}) as IDataObject;
				const options: ReportOptions = {
					channels: (opts.channels as string[] | undefined) ?? [],
					includeUnsold: opts.includeUnsold === true,
				};
				if (report === 'byDay') options.interval = this.getNodeParameter('interval', i, 'day') as 'day' | 'week' | 'month';
				if (report === 'topSkus' || report === 'returnsBySku') options.limit = this.getNodeParameter('limit', i, 10) as number;
				let asOf: Date | null = null;
				if (opts.asOf) {
					asOf = new Date(String(opts.asOf));
					if (Number.isNaN(asOf.getTime())) throw new NodeOperationError(this.getNode(), `"As Of" is not a date-time: ${String(opts.asOf)}`, { itemIndex: i });
				}
				const result = await runReport(
					store,
					{
						report,
						period: {
							preset,
							timeZone,
							days: preset === 'lastNDays' ? (this.getNodeParameter('days', i, 7) as number) : undefined,
							from: preset === 'custom' ? (this.getNodeParameter('from', i, '') as string) : undefined,
							to: preset === 'custom' ? (this.getNodeParameter('to', i, '') as string) : undefined,
						},
						compare: periodic && (this.getNodeParameter('compare', i, false) as boolean),
						options,
					},
					() => asOf ?? new Date(),
				);

				const output = this.getNodeParameter('output', i, 'items') as string;
				if (output === 'items') {
					for (const row of result.rows) out.push({ json: row as IDataObject, pairedItem: { item: i } });
					continue;
				}
				const files = this.getNodeParameter('files', i, []) as string[];
				const base = String(opts.fileName || '').trim() || `${report}-${result.period ? `${result.period.firstDay}_${result.period.lastDay}` : result.generatedAt.slice(0, 10)}`;
				const summary = toMarkdown(result);
				const binary: INodeExecutionData['binary'] = {};
				const attach = async (kind: string, text: string, ext: string, mime: string) => {
					const prop = String(opts[`${kind}Property`] || kind).trim();
					binary[prop] = await this.helpers.prepareBinaryData(Buffer.from(text, 'utf8'), `${base}.${ext}`, mime);
				};
				if (files.includes('csv')) await attach('csv', toCsv(result), 'csv', 'text/csv');
				if (files.includes('html')) await attach('html', toHtml(result), 'html', 'text/html');
				if (files.includes('markdown')) await attach('markdown', summary, 'md', 'text/markdown');
				out.push({
					json: {
						report: result.report,
						title: result.title,
						timeZone: result.timeZone,
						period: result.period as unknown as IDataObject,
						previousPeriod: result.previousPeriod as unknown as IDataObject,
						generatedAt: result.generatedAt,
						rowCount: result.rows.length,
						counts: result.counts,
						summary,
					},
					binary,
					pairedItem: { item: i },
				});
			} catch (error) {
				out.push(errorItem(this, error, i));
			}
		}
		return [out];
	}
}
