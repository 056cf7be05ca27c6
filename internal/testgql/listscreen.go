package testgql

// IncidentListScreen is the incident list screen's query
// (ui/web/src/features/incidents/Incidents.tsx) with the __typename fields
// urql's cache adds to every selection, as the browser sends it. The list's
// statement test and benchmark measure this query; a test keeps it equal to
// the screen's.
const IncidentListScreen = `query Incidents($after: String, $filter: IncidentFilter) {
  incidents(first: 50, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor __typename }
    edges { node { id reference title stage classification jurisdiction detectedAt frozenAt lead { displayName __typename }
      reportUpward { required deadline notifiedAt __typename } nextClock { definition { id __typename } status startedAt dueAt __typename }
      counts { tasks openTasks evidence forwards __typename } __typename } __typename } __typename } }`
