// Sends graphql-js's standard introspection query, with every option on, to a GraphQL endpoint, rebuilds a schema
// from the answer with buildClientSchema, and prints it as SDL next to the committed schema file printed the same
// way (both sorted, so that only the schema's content is compared, not the order of its types).
//
//   node introspection-round-trip.mjs <endpoint> <schema.graphql>
//
// Prints { "fromIntrospection": "<SDL>", "fromFile": "<SDL>" }; exits with 1 when the request or the rebuild fails.
import { readFile } from 'node:fs/promises';
import {
  buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema,
} from 'graphql';

const [endpoint, schemaFile] = process.argv.slice(2);
const query = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});
const response = await fetch(endpoint, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
  body: JSON.stringify({ query, operationName: 'IntrospectionQuery' }),
});
const body = await response.json();
if (!response.ok || body.errors) {
  console.error(`introspection failed with ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  process.exit(1);
}
const print = (schema) => printSchema(lexicographicSortSchema(schema));
const fromIntrospection = print(buildClientSchema(body.data));
const fromFile = print(buildSchema(await readFile(schemaFile, 'utf8')));
console.log(JSON.stringify({ fromIntrospection, fromFile }));
