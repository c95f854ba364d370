// Runs GraphQL operations through a reference streaming client and prints what each one received.
//
//   node tests/js/graphql-stream-clients.mjs ws  ws://127.0.0.1:5000/graphql   '<operations>'
//   node tests/js/graphql-stream-clients.mjs sse http://127.0.0.1:5000/graphql '<operations>' [<access token>]
//
// ws:  graphql-ws's client (the graphql-transport-ws subprotocol) on the `ws` package; every operation over one socket.
// sse: graphql-sse's client in distinct connections mode (one POST per operation) on node's fetch.
// <access token>: sent as graphql-ws's connectionParams { authorization: "Bearer …" }, or graphql-sse's Authorization header.
// <operations>: a JSON array of { "query", "variables"?, "operationName"? }, all started at once.
// stdout: a JSON array, one entry per operation in the same order:
//   { "results": [<each `next` payload>], "completed": true }    the server completed it
//   { "results": [...], "error": "<what the client reported>" }   the client reported an error
// Exits 2 only when it could not run at all (bad arguments), so a caller never mistakes that for a summary.
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';

const [transport, url, operationsJson, token] = process.argv.slice(2);
if (!['ws', 'sse'].includes(transport) || !url || !operationsJson) {
  process.stderr.write('usage: node graphql-stream-clients.mjs <ws|sse> <endpoint-url> <operations-json>\n');
  process.exit(2);
}
const operations = JSON.parse(operationsJson);

const authorization = token ? `Bearer ${token}` : undefined;
const client =
  transport === 'ws'
    ? createWsClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: authorization && { authorization } })
    : createSseClient({ url, retryAttempts: 0, singleConnection: false, headers: authorization && { Authorization: authorization } });

function describe(error) {
  if (Array.isArray(error)) return JSON.stringify(error); // GraphQL errors from an `error` message
  if (error && typeof error === 'object' && 'code' in error && 'reason' in error) return `closed ${error.code} ${error.reason}`;
  return String(error?.stack ?? error);
}

function run(operation) {
  return new Promise((resolve) => {
    const results = [];
    client.subscribe(operation, {
      next: (result) => results.push(result),
      error: (error) => resolve({ results, error: describe(error) }),
      complete: () => resolve({ results, completed: true }),
    });
  });
}

const summary = await Promise.all(operations.map(run));
await client.dispose();
process.stdout.write(JSON.stringify(summary) + '\n');
