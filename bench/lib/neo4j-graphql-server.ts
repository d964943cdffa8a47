/**
 * What a user would otherwise pick: @neo4j/graphql over the same graph, served over HTTP by Apollo
 * like our API, as a child process of `npm run bench:query`. Ancestry is a nested `parent`
 * selection; trees and sightings, which its generated queries cannot express as a paged walk, use
 * its @cypher directive with the same walk our API runs. Prints its URL as one line on stdout.
 * Used only by the benchmark (a dev dependency).
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { Neo4jGraphQL } from '@neo4j/graphql';
import neo4j from 'neo4j-driver';

export const NEO4J_GRAPHQL_TYPEDEFS = /* GraphQL */ `
  type Event @node(labels: ["Event"]) {
    uid: ID!
    oid: String
    atom: String
    type: String
    time: BigInt
    hostname: String
    sid: String
    parentAtom: String
    raw: String
    parent: [Event!]! @relationship(type: "PARENT", direction: OUT)
  }
  type TreeNode {
    depth: Int!
    uid: ID!
    atom: String
    type: String
    time: BigInt
    parentAtom: String
  }
  type HostSighting {
    hostname: String
    sid: String
    count: BigInt
    firstSeen: BigInt
    lastSeen: BigInt
  }
  type Query {
    descendantsOf(atom: String!, maxDepth: Int!, first: Int!): [TreeNode!]!
      @cypher(
        statement: """
        MATCH (root:Event {atom: $atom})
        MATCH (root) (()<-[:PARENT]-(x:Event)){1,32}
        WITH last(x) AS d, min(size(x)) AS depth WHERE depth <= $maxDepth
        WITH d, depth ORDER BY depth, coalesce(d.time, 0), d.uid
        RETURN {depth: depth, uid: d.uid, atom: d.atom, type: d.type, time: d.time, parentAtom: d.parentAtom} AS node LIMIT $first
        """
        columnName: "node"
      )
    hostsThatSaw(kind: String!, value: String!, first: Int!): [HostSighting!]!
      @cypher(
        statement: """
        MATCH (i:Indicator {kind: $kind}) WHERE i.value = $value
        MATCH (s:Sensor)-[w:SAW]->(i)
        WITH s, w ORDER BY w.firstSeen, s.uid
        RETURN {hostname: s.hostname, sid: s.sid, count: w.count, firstSeen: w.firstSeen, lastSeen: w.lastSeen} AS sighting LIMIT $first
        """
        columnName: "sighting"
      )
  }
`;

async function main(): Promise<void> {
  const driver = neo4j.driver(process.env['NEO4J_URI']!, neo4j.auth.basic(process.env['NEO4J_USERNAME'] ?? 'neo4j', process.env['NEO4J_PASSWORD'] ?? ''));
  const schema = await new Neo4jGraphQL({ typeDefs: NEO4J_GRAPHQL_TYPEDEFS, driver }).getSchema();
  if (process.argv.includes('--print-schema')) {
    const { printSchema } = await import('graphql');
    process.stdout.write(printSchema(schema));
    await driver.close();
    return;
  }
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  process.stdout.write(`${url}\n`);
}

void main();
