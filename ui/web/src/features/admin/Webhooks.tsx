import { Alert, Button, Card, Checkbox, Drawer, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography, message } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { useMutation, useQuery } from "urql";
import { errorMessage } from "../../api";
import { FormSelect, GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { NoticeChannel, NoticeKind, Role, WebhookFormat } from "../../gql/graphql";
import { roles } from "../../vocabulary";
import { noticeChannels, noticeKinds } from "../notices/noticeText";
import { ResponsiveTable } from "../../components/ResponsiveTable";

const Endpoints = graphql(`
  query WebhookEndpoints { webhookEndpoints { id name url format kinds locale enabled createdAt actingAs { id displayName } } }
`);
const Deliveries = graphql(`
  query WebhookDeliveries($after: String) {
    webhookEndpoints { id deliveries(first: 20, after: $after) { hasNextPage endCursor
      edges { id kind reference state attempts nextAttemptAt lastStatus lastError createdAt deliveredAt } } }
  }
`);
const CreateEndpoint = graphql(`mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) { createWebhookEndpoint(input: $input) { id } }`);
const UpdateEndpoint = graphql(`mutation UpdateWebhookEndpoint($id: ID!, $input: WebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { id } }`);
const DeleteEndpoint = graphql(`mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }`);
const TestEndpoint = graphql(`
  mutation TestWebhookEndpoint($id: ID!) { testWebhookEndpoint(id: $id) { id state attempts lastStatus lastError } }
`);
const Replay = graphql(`mutation ReplayWebhookDelivery($id: ID!) { replayWebhookDelivery(id: $id) { id state attempts nextAttemptAt lastStatus lastError } }`);
const RoleSubscriptions = graphql(`query RoleSubscriptions { roleSubscriptions { role kind channels } }`);
const SetRoleSubscription = graphql(`
  mutation SetRoleSubscription($role: Role!, $kind: NoticeKind!, $channels: [NoticeChannel!]!) {
    setRoleSubscription(role: $role, kind: $kind, channels: $channels) { role kind channels }
  }
`);

export const webhookFormats = ["GENERIC", "WECOM", "DINGTALK", "LARK"] as const satisfies readonly WebhookFormat[];
// Kinds an endpoint may be told about: every kind but the test, which its button sends.
const endpointKinds = noticeKinds;
const stateColor: Record<string, string> = { PENDING: "blue", DELIVERED: "green", FAILED: "red", SKIPPED: "default" };

type Endpoint = { id: string; name: string; url: string; format: WebhookFormat; kinds: NoticeKind[]; locale: string; enabled: boolean;
  actingAs: { id: string; displayName: string } };
type Values = { name: string; url: string; format: WebhookFormat; secret?: string; kinds: NoticeKind[]; locale: string; actingAsId: string; enabled: boolean };

// Webhooks are the endpoints told about cases (a group robot, a ticket
// system): each with the user whose need-to-know it has, a test button and
// its delivery log with replay; then the roles' default subscriptions.
export function Webhooks({ users }: { users: { id: string; displayName: string; disabled: boolean }[] }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({ query: Endpoints, requestPolicy: "cache-and-network" });
  const [editing, setEditing] = useState<Endpoint | "new">();
  const [log, setLog] = useState<Endpoint>();
  const [tested, setTested] = useState<{ name: string; d: { state: string; lastStatus?: number | null; lastError: string } }>();
  const [testing, test] = useSubmit(TestEndpoint);
  const [, remove] = useMutation(DeleteEndpoint);
  const reload = () => refetch({ requestPolicy: "network-only" });
  const runTest = async (e: Endpoint) => {
    setTested(undefined);
    const r = await test({ id: e.id });
    if (!r) return;
    if (r.error) return void message.error(errorMessage(t, r.error));
    if (r.data) setTested({ name: e.name, d: r.data.testWebhookEndpoint });
  };
  return (
    <>
      <Card title={t("webhook.title")} extra={<Button type="primary" onClick={() => setEditing("new")}>{t("webhook.create")}</Button>}>
        <Typography.Paragraph type="secondary">{t("webhook.hint")}</Typography.Paragraph>
        {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
        {tested && <Alert className="lt-gap" showIcon closable onClose={() => setTested(undefined)} data-testid="webhook-test-result"
          type={tested.d.state === "DELIVERED" ? "success" : tested.d.state === "PENDING" ? "info" : "error"}
          message={t("webhook.testResult", { name: tested.name, state: t(`webhook.state.${tested.d.state}`) })}
          description={lastResult(t, tested.d) || undefined} />}
        <ResponsiveTable<Endpoint> rowKey="id" size="small" pagination={false} scroll={{ x: 860 }} loading={fetching && !data}
          dataSource={data?.webhookEndpoints ?? []} locale={{ emptyText: t("webhook.none") }} columns={[
            { title: t("field.name"), dataIndex: "name" },
            { title: t("webhook.url"), render: (_, e) => <Space direction="vertical" size={0}>
              <Typography.Text className="lt-break">{e.url}</Typography.Text><Tag>{t(`webhook.format.${e.format}`)}</Tag></Space> },
            { title: t("webhook.kinds"), render: (_, e) => <Space size={[0, 4]} wrap>{e.kinds.map((k) => <Tag key={k}>{t(`noticeKind.${k}`)}</Tag>)}</Space> },
            { title: t("webhook.actingAs"), render: (_, e) => e.actingAs.displayName },
            { title: t("field.status"), render: (_, e) => e.enabled ? <Tag color="green">{t("webhook.on")}</Tag> : <Tag>{t("webhook.off")}</Tag> },
            { title: t("admin.actions"), render: (_, e) => <Space size="small" wrap>
              <Button size="small" onClick={() => setEditing(e)}>{t("webhook.edit")}</Button>
              <Button size="small" loading={testing.fetching} onClick={() => runTest(e)}>{t("webhook.test")}</Button>
              <Button size="small" onClick={() => setLog(e)}>{t("webhook.log")}</Button>
              <Popconfirm title={t("webhook.deleteConfirm", { name: e.name })} onConfirm={async () => {
                const r = await remove({ id: e.id });
                if (r.error) return void message.error(errorMessage(t, r.error));
                message.success(t("webhook.deleted", { name: e.name }));
                reload();
              }}><Button size="small" danger>{t("webhook.delete")}</Button></Popconfirm>
            </Space> },
          ]} />
      </Card>
      <RoleDefaults />
      {editing && <EndpointModal endpoint={editing === "new" ? undefined : editing} users={users.filter((u) => !u.disabled)}
        onClose={() => setEditing(undefined)} onSaved={reload} />}
      {log && <DeliveryLog endpoint={log} onClose={() => setLog(undefined)} />}
    </>
  );
}

function EndpointModal({ endpoint, users, onClose, onSaved }: {
  endpoint?: Endpoint; users: { id: string; displayName: string }[]; onClose: () => void; onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [creating, create] = useSubmit(CreateEndpoint);
  const [updating, update] = useSubmit(UpdateEndpoint);
  const format = Form.useWatch("format", form) ?? endpoint?.format ?? "GENERIC";
  const state = endpoint ? updating : creating;
  const submit = async (v: Values) => {
    const input = { ...v, secret: v.secret || undefined };
    const r = endpoint ? await update({ id: endpoint.id, input }) : await create({ input });
    if (!r || r.error) return;
    message.success(t("webhook.saved", { name: v.name }));
    onSaved();
    onClose();
  };
  const initial: Partial<Values> = endpoint
    ? { name: endpoint.name, url: endpoint.url, format: endpoint.format, kinds: endpoint.kinds, locale: endpoint.locale, actingAsId: endpoint.actingAs.id, enabled: endpoint.enabled }
    // No user by default: an admin who is on no case would make an endpoint that hears nothing.
    : { format: "GENERIC", kinds: ["CLOCK_10", "CLOCK_OVERDUE"], locale: "zh-CN", enabled: true };
  return (
    <Modal open title={endpoint ? t("webhook.editTitle", { name: endpoint.name }) : t("webhook.create")} onCancel={onClose} okText={t("common.save")}
      okButtonProps={{ loading: state.fetching }} onOk={() => form.submit()} width={640}>
      {state.error && <Alert type="error" showIcon message={errorMessage(t, state.error)} className="lt-gap" />}
      <GuardedForm<Values> form={form} layout="vertical" onFinish={submit} initialValues={initial}>
        <Form.Item name="name" label={t("field.name")} rules={[{ required: true, whitespace: true, message: t("webhook.nameRule") }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="format" label={t("webhook.formatLabel")} extra={t(`webhook.formatHint.${format}`)} rules={[{ required: true }]}>
          <FormSelect options={webhookFormats.map((f) => ({ value: f, label: t(`webhook.format.${f}`) }))} />
        </Form.Item>
        <Form.Item name="url" label={t("webhook.url")} extra={endpoint && t("webhook.urlHidden")}
          rules={[{ required: true, message: t("webhook.urlRule") },
            // The list shows a URL with its query string hidden; the server keeps the stored one when that is sent back.
            { validator: (_, v?: string) => (!v || v === initial.url || URL.canParse(v) ? Promise.resolve() : Promise.reject(new Error(t("webhook.urlRule")))) }]}>
          <Input inputMode="url" autoComplete="off" />
        </Form.Item>
        {format !== "WECOM" && (
          <Form.Item name="secret" label={t("webhook.secret")} extra={t(endpoint ? "webhook.secretKeep" : "webhook.secretHint")}
            rules={[{ required: !endpoint, message: t("webhook.secretRule") }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
        <Form.Item name="kinds" label={t("webhook.kinds")} rules={[{ required: true, message: t("webhook.kindsRule") }]}>
          <Checkbox.Group options={endpointKinds.map((k) => ({ value: k, label: t(`noticeKind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="locale" label={t("webhook.locale")}>
          <FormSelect options={["zh-CN", "zh-TW", "en"].map((l) => ({ value: l, label: t(`lang.${l}`) }))} />
        </Form.Item>
        <Form.Item name="actingAsId" label={t("webhook.actingAs")} extra={t("webhook.actingAsHint")} rules={[{ required: true, message: t("webhook.actingAsRule") }]}>
          <FormSelect showSearch optionFilterProp="label" options={users.map((u) => ({ value: u.id, label: u.displayName }))} />
        </Form.Item>
        <Form.Item name="enabled" label={t("webhook.enabled")} valuePropName="checked"><Switch /></Form.Item>
      </GuardedForm>
    </Modal>
  );
}

function DeliveryLog({ endpoint, onClose }: { endpoint: Endpoint; onClose: () => void }) {
  const { t } = useTranslation();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [{ data, error, fetching }, refetch] = useQuery({ query: Deliveries, variables: { after: cursors[cursors.length - 1] }, requestPolicy: "network-only" });
  const [replaying, replay] = useSubmit(Replay);
  const log = data?.webhookEndpoints.find((e) => e.id === endpoint.id)?.deliveries;
  const time = (s?: string | null) => (s ? dayjs(s).format("MM-DD HH:mm:ss") : "—");
  return (
    <Drawer open onClose={onClose} title={t("webhook.logOf", { name: endpoint.name })} width="min(960px, 100vw)"
      extra={<Button onClick={() => refetch({ requestPolicy: "network-only" })}>{t("webhook.refresh")}</Button>}>
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      <ResponsiveTable rowKey="id" size="small" pagination={false} scroll={{ x: 900 }} loading={fetching} dataSource={log?.edges ?? []}
        locale={{ emptyText: t("webhook.noDeliveries") }} columns={[
          { title: t("webhook.delivery"), dataIndex: "id", render: (id: string) => <Typography.Text code copyable={{ text: id }}>{id.slice(0, 8)}</Typography.Text> },
          { title: t("webhook.noticeKind"), dataIndex: "kind", render: (k: string) => t(`noticeKind.${k}`) },
          { title: t("webhook.caseReference"), dataIndex: "reference", render: (r: string) => r || "—" },
          { title: t("webhook.createdAt"), dataIndex: "createdAt", render: time },
          { title: t("webhook.deliveredAt"), dataIndex: "deliveredAt", render: time },
          { title: t("field.status"), dataIndex: "state", render: (s: string) => <Tag color={stateColor[s]}>{t(`webhook.state.${s}`)}</Tag> },
          { title: t("webhook.attempts"), dataIndex: "attempts" },
          { title: t("webhook.nextAttempt"), dataIndex: "nextAttemptAt", render: time },
          { title: t("webhook.last"), key: "last", render: (_, d) => lastResult(t, d) || "—" },
          { title: t("admin.actions"), key: "replay", render: (_, d) => d.state !== "PENDING" && (
            <Button size="small" loading={replaying.fetching} onClick={async () => {
              const r = await replay({ id: d.id });
              if (!r) return;
              if (r.error) return void message.error(errorMessage(t, r.error));
              message.success(t("webhook.replayed"));
              refetch({ requestPolicy: "network-only" });
            }}>{t("webhook.replay")}</Button>) },
        ]} />
      <Space className="lt-gap">
        {cursors.length > 1 && <Button size="small" onClick={() => setCursors((c) => c.slice(0, -1))}>{t("incidents.previous")}</Button>}
        {log?.hasNextPage && <Button size="small" onClick={() => setCursors((c) => [...c, log.endCursor ?? undefined])}>{t("incidents.next")}</Button>}
      </Space>
    </Drawer>
  );
}

// lastResult words a delivery's last attempt in the reader's language: the
// receiver's HTTP answer, why it was not sent, or the failure as the server saw it.
function lastResult(t: TFunction, d: { state: string; lastStatus?: number | null; lastError: string }): string {
  if (d.state === "SKIPPED") return t("webhook.skippedWhy");
  if (d.lastStatus) return t("webhook.answered", { status: d.lastStatus });
  return d.lastError ? t("webhook.failedWith", { error: d.lastError }) : "";
}

// RoleDefaults are the channels each role gets each kind on, unless a user chose otherwise.
function RoleDefaults() {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: RoleSubscriptions, requestPolicy: "cache-and-network" });
  const [, set] = useMutation(SetRoleSubscription);
  const [role, setRole] = useState<Role>("RESPONDER");
  const of = (kind: NoticeKind) => data?.roleSubscriptions?.find((s) => s.role === role && s.kind === kind)?.channels ?? [];
  const toggle = async (kind: NoticeKind, channel: NoticeChannel, on: boolean) => {
    const channels = of(kind).filter((c) => c !== channel).concat(on ? [channel] : []);
    const r = await set({ role, kind, channels });
    if (r.error) message.error(errorMessage(t, r.error));
    else message.success(t("webhook.roleSaved", { role: t(`admin.role.${role}`), kind: t(`noticeKind.${kind}`) }));
    refetch({ requestPolicy: "network-only" });
  };
  return (
    <Card title={t("webhook.roleDefaults")} extra={<Select aria-label={t("admin.roles")} value={role} onChange={setRole} className="lt-min180"
      options={roles.map((r) => ({ value: r, label: t(`admin.role.${r}`) }))} />}>
      <Typography.Paragraph type="secondary">{t("webhook.roleDefaultsHint")}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      <Table rowKey="kind" size="small" pagination={false} dataSource={noticeKinds.map((kind) => ({ kind }))} columns={[
        { title: t("noticeSettings.kind"), key: "kind", render: (_, r) => t(`noticeKind.${r.kind}`) },
        ...noticeChannels.map((c) => ({ title: t(`noticeChannel.${c}`), key: c, width: 96, render: (_: unknown, r: { kind: NoticeKind }) =>
          <Checkbox checked={of(r.kind).includes(c)} aria-label={`${t(`admin.role.${role}`)} · ${t(`noticeKind.${r.kind}`)} · ${t(`noticeChannel.${c}`)}`}
            onChange={(e) => toggle(r.kind, c, e.target.checked)} /> })),
      ]} />
    </Card>
  );
}

