import { Alert, Button, Card, Form, List, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, message } from "antd";
import dayjs from "dayjs";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { errorMessage } from "../../api";
import { useIncidentAccess } from "../../components/access";
import { FormSelect, GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { AuditLogQuery, CaseRole } from "../../gql/graphql";
import { caseRoles } from "../../vocabulary";

const AuditLog = graphql(`
  query AuditLog($id: ID!, $after: Int) {
    incident(id: $id) { id auditLog(first: 100, after: $after) { nextAfter entries { seq at actorName action targetType changes } } }
  }
`);
const Members = graphql(`
  query Members($id: ID!) {
    users { id username displayName }
    incident(id: $id) {
      id
      members { caseRole outcomesAccess addedAt user { id username displayName } addedBy { displayName } }
    }
  }
`);
const SetMember = graphql(`
  mutation SetMember($id: ID!, $user: ID!, $role: CaseRole!, $outcomes: Boolean) {
    setIncidentMember(incidentId: $id, userId: $user, caseRole: $role, outcomesAccess: $outcomes) { caseRole outcomesAccess }
  }
`);
const RemoveMember = graphql(`
  mutation RemoveMember($id: ID!, $user: ID!) { removeIncidentMember(incidentId: $id, userId: $user) }
`);

type Entry = NonNullable<AuditLogQuery["incident"]>["auditLog"]["entries"][number];

const time = (s: string) => dayjs(s).format("YYYY-MM-DD HH:mm:ss");

// CaseRecord holds the case's record in tabs: the audit history (every
// change, who and when, with what it changed) and the need-to-know list of
// members, which the lead manages.
export function CaseRecord({ incidentId, frozen, changes }: { incidentId: string; frozen: boolean; changes: number }) {
  const { t } = useTranslation();
  return (
    <Card id="record" className="lt-top" styles={{ body: { paddingTop: 4 } }}>
      <Tabs items={[
        { key: "audit", label: t("audit.tab"), children: <AuditHistory incidentId={incidentId} changes={changes} /> },
        { key: "members", label: t("members.tab"), children: <MemberList incidentId={incidentId} frozen={frozen} changes={changes} /> },
      ]} />
    </Card>
  );
}

function AuditHistory({ incidentId, changes }: { incidentId: string; changes: number }) {
  const { t } = useTranslation();
  const [pages, setPages] = useState<Entry[][]>([]);
  const [after, setAfter] = useState<number>();
  const [{ data, error, fetching }, refetch] = useQuery({ query: AuditLog, variables: { id: incidentId, after } });
  const page = data?.incident?.auditLog;
  useEffect(() => { if (page) setPages((all) => (after === undefined ? [page.entries] : [...all.slice(0, -1), page.entries])); }, [page, after]);
  useEffect(() => { if (changes && after === undefined) refetch({ requestPolicy: "network-only" }); }, [changes, after, refetch]);
  const entries = pages.flat();
  return (
    <>
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      <Table<Entry> size="small" rowKey="seq" dataSource={entries} pagination={false} loading={fetching && entries.length === 0} scroll={{ x: true }}
        locale={{ emptyText: t("audit.empty") }}
        expandable={{ expandedRowRender: (e) => <pre className="lt-pre">{pretty(e.changes)}</pre> }}
        columns={[
          { title: "#", dataIndex: "seq", width: 70 },
          { title: t("audit.at"), dataIndex: "at", render: time },
          { title: t("audit.actor"), dataIndex: "actorName" },
          { title: t("audit.action"), dataIndex: "action", render: (a: string) => <Tag>{t(`audit.actions.${a.replace(/\./g, "_")}`, { defaultValue: a })}</Tag> },
        ]} />
      {page?.nextAfter != null && <Button className="lt-top-sm" loading={fetching} onClick={() => { setPages((all) => [...all, []]); setAfter(page.nextAfter!); }}>
        {t("audit.more")}</Button>}
    </>
  );
}

// pretty indents the stored JSON of a change for reading.
function pretty(changes: string): string {
  try { return JSON.stringify(JSON.parse(changes), null, 2); } catch { return changes; }
}

function MemberList({ incidentId, frozen, changes }: { incidentId: string; frozen: boolean; changes: number }) {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: Members, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  const [setResult, setMember] = useSubmit(SetMember);
  const [removeResult, remove] = useSubmit(RemoveMember);
  const [form] = Form.useForm<{ user: string; role: CaseRole; outcomes: boolean }>();
  useEffect(() => { if (changes) refetch({ requestPolicy: "network-only" }); }, [changes, refetch]);
  const inc = data?.incident;
  const manage = useIncidentAccess().canManageMembers && !frozen;
  const reload = () => refetch({ requestPolicy: "network-only" });
  const memberIds = new Set(inc?.members.map((m) => m.user.id));
  const change = async (user: string, role: CaseRole, outcomes: boolean) => {
    const r = await setMember({ id: incidentId, user, role, outcomes });
    if (r?.data) { message.success(t("members.saved")); reload(); }
    return !!r?.data;
  };
  const failure = setResult.error ?? removeResult.error ?? error;
  return (
    <>
      {failure && <Alert type="error" showIcon message={errorMessage(t, failure)} className="lt-gap-sm" />}
      <List size="small" dataSource={inc?.members ?? []} locale={{ emptyText: t("members.empty") }} renderItem={(m) => (
        <List.Item actions={manage && m.caseRole !== "LEAD" ? [
          <Select key="role" size="small" virtual={false} value={m.caseRole} aria-label={t("members.role")} className="lt-w130"
            onChange={(role: CaseRole) => change(m.user.id, role, m.outcomesAccess)}
            options={caseRoles.map((r) => ({ value: r, label: t(`members.roles.${r}`) }))} />,
          <Switch key="outcomes" size="small" checked={m.outcomesAccess} aria-label={t("members.outcomes")}
            onChange={(on) => change(m.user.id, m.caseRole, on)} />,
          <Popconfirm key="remove" title={t("members.removeConfirm", { name: m.user.displayName })} okText={t("common.yes")} cancelText={t("common.no")}
            onConfirm={async () => { const r = await remove({ id: incidentId, user: m.user.id }); if (r?.data) reload(); }}>
            <Button size="small" type="link" danger>{t("members.remove")}</Button>
          </Popconfirm>,
        ] : []}>
          <List.Item.Meta title={<Space wrap>{m.user.displayName}<Tag color={m.caseRole === "LEAD" ? "blue" : undefined}>{t(`members.roles.${m.caseRole}`)}</Tag>
            {m.outcomesAccess && <Tag color="purple">{t("members.outcomes")}</Tag>}</Space>}
            description={t("members.added", { by: m.addedBy.displayName, time: dayjs(m.addedAt).format("YYYY-MM-DD HH:mm") })} />
        </List.Item>)} />
      {manage && (
        <GuardedForm form={form} layout="inline" className="lt-inline-form" initialValues={{ role: "INVESTIGATOR", outcomes: false }}
          onFinish={async (v) => { if (await change(v.user, v.role, v.outcomes)) form.resetFields(["user"]); }}>
          <Form.Item name="user" rules={[{ required: true, message: t("members.userRequired") }]}>
            <FormSelect showSearch optionFilterProp="label" placeholder={t("members.user")} aria-label={t("members.user")} className="lt-w200"
              options={(data?.users ?? []).filter((u) => !memberIds.has(u.id)).map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }))} />
          </Form.Item>
          <Form.Item name="role"><Select virtual={false} aria-label={t("members.role")} className="lt-w130"
            options={caseRoles.filter((r) => r !== "LEAD").map((r) => ({ value: r, label: t(`members.roles.${r}`) }))} /></Form.Item>
          <Form.Item name="outcomes" label={t("members.outcomes")} valuePropName="checked"><Switch size="small" /></Form.Item>
          <Button htmlType="submit" type="primary" loading={setResult.fetching}>{t("members.add")}</Button>
        </GuardedForm>
      )}
    </>
  );
}
