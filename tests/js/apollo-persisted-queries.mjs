// Apollo Client with its PersistedQueryLink (automatic persisted queries) against a GraphQL endpoint: runs the same
// query twice, bypassing Apollo's cache, and records every HTTP request the link made.
//
//   node apollo-persisted-queries.mjs <endpoint> <query>
//
// Prints { "results": [<data of run 1>, <data of run 2>], "requests": [{ "sentQuery", "hash", "status", "errors" }] }.
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';

const [endpoint, query] = process.argv.slice(2);
const requests = [];

async function recordingFetch(url, init) {
  const body = JSON.parse(init.body);
  const response = await fetch(url, init);
  const text = await response.clone().text();
  requests.push({
    sentQuery: typeof body.query === 'string',
    hash: body.extensions?.persistedQuery?.sha256Hash ?? null,
    status: response.status,
    errors: JSON.parse(text).errors?.map((e) => ({ message: e.message, code: e.extensions?.code ?? null })) ?? null,
  });
  return response;
}

const client = new ApolloClient({
  link: new PersistedQueryLink({ sha256: (text) => createHash('sha256').update(text).digest('hex') })
    .concat(new HttpLink({ uri: endpoint, fetch: recordingFetch })),
  cache: new InMemoryCache(),
});

const results = [];
for (let run = 0; run < 2; run++) {
  const { data, error } = await client.query({ query: gql(query), fetchPolicy: 'network-only' });
  if (error) {
    console.error(`run ${run + 1} failed: ${error.message}`);
    process.exit(1);
  }
  results.push(data);
}
console.log(JSON.stringify({ results, requests }));
