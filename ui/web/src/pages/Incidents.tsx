import { Alert, Table, Tag, Typography } from "antd";
import dayjs from "dayjs";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useQuery } from "urql";
import { errorMessage } from "../api";
import { graphql } from "../gql";

const IncidentsQuery = graphql(`
  query Incidents { incidents(first: 50) { totalCount edges { node { id reference title stage classification detectedAt } } } }
`);

// Incidents lists the cases the user is on, newest first.
export function Incidents() {
  const { t } = useTranslation();
  const [{ data, fetching, error }] = useQuery({ query: IncidentsQuery, requestPolicy: "cache-and-network" });
  const rows = data?.incidents.edges.map((e) => e.node) ?? [];
  return (
    <>
      <Typography.Title level={3}>{t("incidents.title")}</Typography.Title>
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      <Table rowKey="id" loading={fetching} dataSource={rows} pagination={false} scroll={{ x: 720 }}
        locale={{ emptyText: t("incidents.empty") }}
        footer={() => t("incidents.total", { count: data?.incidents.totalCount ?? 0 })}
        columns={[
          { title: t("incidents.reference"), dataIndex: "reference", render: (ref: string) => <Link to={`/incidents/${ref}`}>{ref}</Link> },
          { title: t("incidents.caseTitle"), dataIndex: "title" },
          { title: t("incidents.stage"), dataIndex: "stage", render: (s: string) => <Tag>{t(`stage.${s}`)}</Tag> },
          { title: t("incidents.classification"), dataIndex: "classification", render: (c: string) => t(`classification.${c}`) },
          { title: t("incidents.detectedAt"), dataIndex: "detectedAt", render: (d: string) => dayjs(d).format("YYYY-MM-DD HH:mm") },
        ]} />
    </>
  );
}
