import { Alert, Button, Grid, Input, Select, Space, Table, Tag, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useQuery } from "urql";
import { errorMessage } from "../../api";
import { classificationLabel, useDefaultJurisdiction } from "../../components/classification";
import { stages, type Stage } from "../../components/StageBar";
import { graphql } from "../../gql";
import type { Classification, RootCause } from "../../gql/graphql";
import { classifications } from "../../vocabulary";
import { clockLabel, countdown, urgency, useNow } from "../clocks/clockText";

const IncidentsQuery = graphql(`
  query Incidents($after: String, $filter: IncidentFilter) {
    incidents(first: 50, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id reference title stage classification jurisdiction detectedAt frozenAt lead { displayName }
        reportUpward { required deadline notifiedAt } nextClock { definition { id } status startedAt dueAt } counts { tasks openTasks evidence forwards } } }
    }
  }
`);


// Incidents lists the cases the user may see, newest first: searchable,
// filtered by stage and classification (kept in the address, so a filtered
// list can be shared or reloaded), fifty to a page.
export function Incidents() {
  const { t } = useTranslation();
  const phone = !Grid.useBreakpoint().sm;
  const scale = useDefaultJurisdiction();
  const [params, setParams] = useSearchParams();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const text = params.get("q") ?? "";
  const stage = params.getAll("stage") as Stage[];
  const classification = params.getAll("classification") as Classification[];
  // A period, as the dashboard's bars open the list with theirs.
  const from = params.get("from") ?? undefined, to = params.get("to") ?? undefined;
  const rootCause = params.getAll("rootCause") as RootCause[];
  const filter = { text: text || undefined, stages: stage.length ? stage : undefined, classifications: classification.length ? classification : undefined,
    rootCauses: rootCause.length ? rootCause : undefined, detectedFrom: from, detectedTo: to };
  const after = cursors[cursors.length - 1];
  const now = useNow(15_000);
  const [{ data, fetching, error }] = useQuery({ query: IncidentsQuery, variables: { after, filter }, requestPolicy: "cache-and-network" });
  const rows = data?.incidents.edges.map((e) => e.node) ?? [];
  const update = (key: string | string[], values: string[]) => {
    const next = new URLSearchParams(params);
    for (const k of [key].flat()) next.delete(k);
    values.filter(Boolean).forEach((v) => next.append([key].flat()[0], v));
    setParams(next, { replace: true });
    setCursors([undefined]);
  };
  type Row = (typeof rows)[number];
  // A case on the deployment's scale reads as its level alone; one on the other scale says which.
  const level = (r: Row) => classificationLabel(t, r.classification, r.jurisdiction, r.jurisdiction !== scale);
  const reportUpward = (r: Row) => !r.reportUpward.required ? "—"
    : r.reportUpward.notifiedAt ? <Tag color="green">{t("incidents.reported")}</Tag>
    : dayjs(r.reportUpward.deadline).isBefore(dayjs()) ? <Tag color="red">{t("incidents.overdue")}</Tag>
    : <Tag color="gold">{t("incidents.reportBy", { time: dayjs(r.reportUpward.deadline).format("MM-DD HH:mm") })}</Tag>;
  // The clock due first: its name and time left, red once overdue.
  const nextClock = (r: Row) => {
    const left = r.nextClock && countdown(t, r.nextClock, now, false);
    if (!r.nextClock || !left) return null;
    const pressing = urgency(r.nextClock, now);
    return <Typography.Text type={pressing === "overdue" || pressing === "critical" ? "danger" : pressing === "warning" ? "warning" : undefined} data-testid="next-clock">
      {t("clock.named", { clock: clockLabel(t, r.nextClock.definition.id), text: left.text })}</Typography.Text>;
  };
  const stageTags = (r: Row) => <Space size={4} wrap><Tag>{t(`stage.${r.stage}`)}</Tag>
    {r.frozenAt && <Tag color="purple">{t("incidents.frozen")}</Tag>}</Space>;
  // On a phone each case is one cell: what it is, where it stands, and its clock.
  const phoneColumns = [{ title: t("incidents.caseTitle"), key: "case", render: (_: unknown, r: Row) => <Space direction="vertical" size={2}>
    <Link to={`/incidents/${r.reference}`}>{r.reference}</Link>
    <Typography.Text strong>{r.title}</Typography.Text>
    {/* A pending report upward that is also the next clock is said once, by the clock with its time left. */}
    <Space size={4} wrap>{stageTags(r)}<Tag>{level(r)}</Tag>{r.nextClock?.definition.id !== "report_upward" && reportUpward(r)}</Space>
    {nextClock(r)}
  </Space> }];
  return (
    <>
      <Typography.Title level={3}>{t("incidents.title")}</Typography.Title>
      <Space wrap className="lt-gap">
        <Input.Search allowClear defaultValue={text} placeholder={t("incidents.search")} aria-label={t("incidents.search")} className="lt-w260"
          onSearch={(q) => update("q", [q.trim()])} />
        <Select mode="multiple" allowClear virtual={false} value={stage} placeholder={t("incidents.stage")} aria-label={t("incidents.stage")}
          className="lt-min180" onChange={(v: string[]) => update("stage", v)} options={stages.map((s) => ({ value: s, label: t(`stage.${s}`) }))} />
        <Select mode="multiple" allowClear virtual={false} value={classification} placeholder={t("incidents.classification")}
          aria-label={t("incidents.classification")} className="lt-min180" onChange={(v: string[]) => update("classification", v)}
          options={classifications.map((c) => ({ value: c, label: classificationLabel(t, c, scale) }))} />
        {(from || to) && <Tag closable onClose={() => update(["from", "to"], [])} data-testid="period">
          {t("incidents.period", { from: from ? dayjs(from).format("YYYY-MM-DD") : "…", to: to ? dayjs(to).format("YYYY-MM-DD") : "…" })}</Tag>}
        {rootCause.length > 0 && <Tag closable onClose={() => update("rootCause", [])} data-testid="root-cause">
          {t("incidents.rootCause", { causes: rootCause.map((c) => t(`rootCause.${c}`)).join("、") })}</Tag>}
      </Space>
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      <Table rowKey="id" loading={fetching && !data} dataSource={rows} pagination={false} scroll={phone ? undefined : { x: 1200 }}
        locale={{ emptyText: text || stage.length || classification.length || rootCause.length ? t("incidents.noMatch") : t("incidents.empty") }}
        footer={() => <Space wrap>
          {t("incidents.total", { count: data?.incidents.totalCount ?? 0 })}
          {cursors.length > 1 && <Button size="small" onClick={() => setCursors((c) => c.slice(0, -1))}>{t("incidents.previous")}</Button>}
          {data?.incidents.pageInfo.hasNextPage && <Button size="small"
            onClick={() => setCursors((c) => [...c, data.incidents.pageInfo.endCursor ?? undefined])}>{t("incidents.next")}</Button>}
        </Space>}
        columns={phone ? phoneColumns : [
          { title: t("incidents.reference"), dataIndex: "reference", render: (ref: string) => <Link to={`/incidents/${ref}`}>{ref}</Link> },
          { title: t("incidents.caseTitle"), dataIndex: "title" },
          { title: t("incidents.stage"), dataIndex: "stage", render: (_: string, r) => stageTags(r) },
          { title: t("incidents.classification"), key: "classification", render: (_: unknown, r: Row) => level(r) },
          { title: t("incidents.lead"), key: "lead", render: (_, r) => r.lead?.displayName },
          { title: t("incidents.tasks"), key: "tasks", render: (_, r) => `${r.counts.tasks - r.counts.openTasks}/${r.counts.tasks}` },
          { title: t("incidents.evidence"), key: "evidence", render: (_, r) => r.counts.evidence },
          { title: t("incidents.forwards"), key: "forwards", render: (_, r) => r.counts.forwards },
          { title: t("incidents.reportUpward"), key: "ru", render: (_, r) => reportUpward(r) },
          { title: t("incidents.nextClock"), key: "clock", render: (_, r) => nextClock(r) ?? "—" },
          { title: t("incidents.detectedAt"), dataIndex: "detectedAt", render: (d: string) => dayjs(d).format("YYYY-MM-DD HH:mm") },
        ]} />
    </>
  );
}
