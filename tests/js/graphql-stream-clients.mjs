// Runs GraphQL operations through a reference streaming client and prints what each one received.
//
//   node tests/js/graphql-stream-clients.mjs ws  ws://127.0.0.1:5000/graphql   '<operations>'
//   node tests/js/graphql-stream-clients.mjs sse http://127.0.0.1:5000/graphql '<operations>' [<access token>]
//
// ws:         graphql-ws's client (the graphql-transport-ws subprotocol) on the `ws` package; every operation over one socket.
// sse:        graphql-sse's client in distinct connections mode (one POST per operation) on node's fetch.
// sse-single: graphql-sse's client in single connection mode (PUT, one event stream, a POST per operation, DELETE to stop).
// apollo:     Apollo Client's HttpLink, which streams subscriptions as multipart HTTP responses.
// <access token>: sent as graphql-ws's connectionParams { authorization: "Bearer …" }, else as the Authorization header.
// <operations>: a JSON array of { "query", "variables"?, "operationName"?, "unsubscribeAfter"? }, all started at once;
//   with unsubscribeAfter: n, the client unsubscribes after its n-th result (graphql-sse single: a DELETE).
// stdout: a JSON array, one entry per operation in the same order:
//   { "results": [<each `next` payload>], "completed": true }    the server completed it
//   { "results": [...], "unsubscribed": true }                  the client unsubscribed as asked
//   { "results": [...], "error": "<what the client reported>" }   the client reported an error
// Exits 2 only when it could not run at all (bad arguments), so a caller never mistakes that for a summary.
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';

const [transport, url, operationsJson, token] = process.argv.slice(2);
if (!['ws', 'sse', 'sse-single', 'apollo'].includes(transport) || !url || !operationsJson) {
  process.stderr.write('usage: node graphql-stream-clients.mjs <ws|sse|sse-single|apollo> <endpoint-url> <operations-json>\n');
  process.exit(2);
}
const operations = JSON.parse(operationsJson);

const authorization = token ? `Bearer ${token}` : undefined;
const headers = authorization && { Authorization: authorization };
const client =
  transport === 'ws'
    ? createWsClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: authorization && { authorization } })
    : transport === 'apollo'
      ? apolloClient()
      : createSseClient({ url, retryAttempts: 0, singleConnection: transport === 'sse-single', headers });

// Apollo's subscribe, shaped like the others': results as `next` payloads, a function that unsubscribes.
function apolloClient() {
  const apollo = new ApolloClient({ link: new HttpLink({ uri: url, headers }), cache: new InMemoryCache() });
  return {
    subscribe(operation, sink) {
      const subscription = apollo
        .subscribe({ query: gql(operation.query), variables: operation.variables, fetchPolicy: 'no-cache' })
        .subscribe({
          next: ({ data, error }) => sink.next(error ? { data, errors: error.errors ?? [{ message: error.message }] } : { data }),
          error: sink.error,
          complete: sink.complete,
        });
      return () => subscription.unsubscribe();
    },
    dispose: () => apollo.stop(),
  };
}

function describe(error) {
  if (Array.isArray(error)) return JSON.stringify(error); // GraphQL errors from an `error` message
  if (error && typeof error === 'object' && 'code' in error && 'reason' in error) return `closed ${error.code} ${error.reason}`;
  return String(error?.stack ?? error);
}

function run({ unsubscribeAfter, ...operation }) {
  return new Promise((resolve) => {
    const results = [];
    const unsubscribe = client.subscribe(operation, {
      next: (result) => {
        results.push(result);
        if (results.length === unsubscribeAfter) {
          unsubscribe();
          resolve({ results, unsubscribed: true });
        }
      },
      error: (error) => resolve({ results, error: describe(error) }),
      complete: () => resolve({ results, completed: true }),
    });
  });
}

const summary = await Promise.all(operations.map(run));
await client.dispose();
process.stdout.write(JSON.stringify(summary) + '\n');
