// Runs graphql-http's GraphQL-over-HTTP server audits against one endpoint and prints a JSON summary.
//
//   node tests/js/graphql-http-audit.mjs http://127.0.0.1:5000/graphql
//
// stdout: [{ "id", "name", "requirement": "MUST"|"SHOULD"|"MAY", "status": "ok"|"notice"|"warn"|"error",
//            "reason"?, "responseStatus"? }, ...]
// Exits 0 whatever the audits found: judging them is the caller's job. Exits 2 only when it could not
// run at all (no URL), so a caller never mistakes a broken run for an empty summary.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: node graphql-http-audit.mjs <endpoint-url>\n');
  process.exit(2);
}

const summary = [];
// One at a time: the library's auditServer runs them all at once and rejects the whole run when one
// throws; sequentially, a fatal error (e.g. a dropped connection) is recorded against its own audit.
for (const { id, name, fn } of serverAudits({ url })) {
  const requirement = name.split(' ', 1)[0];
  try {
    const result = await fn();
    const entry = { id, name, requirement, status: result.status };
    if (result.status !== 'ok') {
      entry.reason = result.reason;
      entry.responseStatus = result.response?.status;
    }
    summary.push(entry);
  } catch (error) {
    summary.push({ id, name, requirement, status: 'error', reason: `audit could not run: ${error?.stack ?? error}` });
  }
}

process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
