/**
 * The SMTP sink the demo and the e2e tests point the templates' "OMS SMTP" credential at (scripts/smtp-sink.ts): it
 * answers an SMTP conversation as nodemailer (n8n's Send Email) holds it and keeps each mail, decoded.
 */
import { connect } from 'node:net';
import { parseMail, smtpCredentialData, startSmtpSink } from '../../../scripts/smtp-sink';

/** A client that sends each command after the server's answer to the previous one (a command may be several lines:
 * the message after DATA), and collects the answers. */
async function converse(port: number, lines: string[]): Promise<string[]> {
	const socket = connect(port, '127.0.0.1');
	const answers: string[] = [];
	let buffer = '';
	return await new Promise((resolve, reject) => {
		socket.on('error', reject);
		socket.on('data', (chunk) => {
			buffer += chunk.toString('utf8');
			let nl: number;
			while ((nl = buffer.indexOf('\r\n')) >= 0) {
				const line = buffer.slice(0, nl);
				buffer = buffer.slice(nl + 2);
				answers.push(line);
				if (/^\d{3}-/.test(line)) continue; // more lines of the same answer
				const next = lines.shift();
				if (next === undefined) {
					socket.end();
					resolve(answers);
				} else socket.write(`${next}\r\n`);
			}
		});
	});
}

it('catches a mail (multipart, quoted-printable, an encoded subject), answers each command, relays nothing', async () => {
	const sink = await startSmtpSink();
	try {
		expect(smtpCredentialData(sink)).toEqual({ host: '127.0.0.1', port: sink.port, secure: false, disableStartTls: true, user: '', password: '' });
		const message = [
			'From: OMS <oms@example.com>',
			'To: ops@example.com',
			'Subject: =?UTF-8?Q?OMS:_1_new_thing_needs_attention_=E2=80=93_=C3=A4?=',
			'Content-Type: multipart/alternative; boundary="b1"',
			'',
			'--b1',
			'Content-Type: text/plain; charset=utf-8',
			'Content-Transfer-Encoding: quoted-printable',
			'',
			'- WMS Delivery Failed: shopify:1 - 422: City is requir=',
			'ed =C3=A4',
			'..a line that began with a dot',
			'--b1',
			'Content-Type: text/html; charset=utf-8',
			'',
			'<p>held</p>',
			'--b1--',
		];
		const answers = await converse(sink.port, ['EHLO test', 'MAIL FROM:<oms@example.com>', 'RCPT TO:<ops@example.com>', 'DATA', [...message, '.'].join('\r\n'), 'QUIT']);
		expect(answers.map((a) => a.slice(0, 3))).toEqual(['220', '250', '250', '250', '250', '354', '250', '221']);
		const caught = await sink.waitFor(() => true, 5000);
		expect(caught).toMatchObject({ from: 'oms@example.com', to: ['ops@example.com'], subject: 'OMS: 1 new thing needs attention – ä', html: '<p>held</p>' });
		expect(caught.text).toBe('- WMS Delivery Failed: shopify:1 - 422: City is required ä\r\n.a line that began with a dot');
		expect(sink.mails).toHaveLength(1);
	} finally {
		await sink.close();
	}
});

it('reads a single-part mail as its text', () => {
	expect(parseMail('Subject: hi\r\nContent-Type: text/plain\r\n\r\nbody')).toEqual({ subject: 'hi', text: 'body', html: null });
});
