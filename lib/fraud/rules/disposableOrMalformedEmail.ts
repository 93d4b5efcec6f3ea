/** A malformed e-mail address, or one at a disposable-mailbox service. A strong signal. */
import { domainMatches, domainOf, emailProblem } from '../match';
import { baseProperties, checkList, defineRule, fired, LIST_HINT, listText, type RuleBase } from '../rule-kit';

export interface DisposableOrMalformedEmailRule extends RuleBase {
	/** Disposable e-mail domains; a subdomain of a listed domain counts too */
	domains: string[];
}

/**
 * Throwaway-mailbox services. A starting list for the seller to edit, not a complete one: the public lists run
 * to thousands of domains.
 */
export const DEFAULT_DISPOSABLE_DOMAINS: readonly string[] = Object.freeze([
	'10minutemail.com',
	'20minutemail.com',
	'burnermail.io',
	'discard.email',
	'dispostable.com',
	'emailondeck.com',
	'fakeinbox.com',
	'getairmail.com',
	'getnada.com',
	'guerrillamail.biz',
	'guerrillamail.com',
	'guerrillamail.de',
	'guerrillamail.net',
	'guerrillamail.org',
	'guerrillamailblock.com',
	'grr.la',
	'mailcatch.com',
	'maildrop.cc',
	'mailinator.com',
	'mailnesia.com',
	'mintemail.com',
	'moakt.com',
	'mohmal.com',
	'sharklasers.com',
	'spamgourmet.com',
	'temp-mail.org',
	'tempail.com',
	'tempinbox.com',
	'tempmail.com',
	'tempmailo.com',
	'tempr.email',
	'throwawaymail.com',
	'trashmail.com',
	'trashmail.de',
	'yopmail.com',
	'yopmail.fr',
]);

const DEFAULTS: DisposableOrMalformedEmailRule = { enabled: true, points: 50, domains: [...DEFAULT_DISPOSABLE_DOMAINS] };

export const disposableOrMalformedEmail = defineRule({
	name: 'disposableOrMalformedEmail',
	label: 'Disposable or Malformed Email',
	stage: 'order',
	scored: true,
	defaults: DEFAULTS,
	fields: { domains: 'list' },
	properties: [
		...baseProperties(DEFAULTS, 'disposable or malformed e-mail domain'),
		{
			displayName: 'Domains',
			name: 'domains',
			type: 'string',
			typeOptions: { rows: 3 },
			default: listText(DEFAULTS.domains),
			description: `Disposable e-mail domains (subdomains count too). ${LIST_HINT}.`,
		},
	],
	validate(rule, path, problems) {
		checkList(problems, `${path}.domains`, rule.domains);
	},
	evaluate(order, rule) {
		const rawEmail = order.customer?.email;
		if (typeof rawEmail !== 'string' || rawEmail.trim() === '') return null;
		const problem = emailProblem(rawEmail);
		if (problem) return fired('disposableOrMalformedEmail', rule, `E-mail "${rawEmail.trim()}" ${problem}`);
		const domain = domainOf(rawEmail.trim().toLowerCase());
		if ((rule.domains ?? []).some((d) => domainMatches(domain, d))) return fired('disposableOrMalformedEmail', rule, `E-mail domain ${domain} is a disposable-mailbox service`);
		return null;
	},
});
