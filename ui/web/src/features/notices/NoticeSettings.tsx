import { Alert, Button, Card, Checkbox, Form, Input, Popconfirm, Select, Space, Switch, Table, Tag, Typography, message } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { errorMessage } from "../../api";
import { useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { NoticeChannel, NoticeKind, NoticeSettingsInput } from "../../gql/graphql";
import { zones } from "../evidence/zoneTime";
import { minutesToTime, noticeChannels, noticeKinds, timeToMinutes } from "./noticeText";

const SettingsQuery = graphql(`
  query NoticeSettings { noticeSettings { email quietFrom quietTo timeZone subscriptions { kind channels own } } }
`);
const UpdateSettings = graphql(`
  mutation UpdateNoticeSettings($input: NoticeSettingsInput!) {
    updateNoticeSettings(input: $input) { email quietFrom quietTo timeZone subscriptions { kind channels own } }
  }
`);

// The form's state: the channels of each kind, and which the person changed.
export interface SettingsValues {
  email: string;
  channels: Partial<Record<NoticeKind, NoticeChannel[]>>;
  changed: NoticeKind[];
  quiet: boolean;
  quietFrom: string;
  quietTo: string;
  timeZone: string;
}

// settingsInput is what saving the form sends: the e-mail address, the
// channels of only the kinds the person changed (the others keep following
// their roles' defaults), and the quiet hours or none.
export function settingsInput(v: SettingsValues): NoticeSettingsInput {
  const input: NoticeSettingsInput = { email: v.email.trim(), timeZone: v.timeZone };
  if (v.changed.length > 0) input.subscriptions = v.changed.map((kind) => ({ kind, channels: v.channels[kind] ?? [] }));
  if (v.quiet) {
    input.quietFrom = timeToMinutes(v.quietFrom);
    input.quietTo = timeToMinutes(v.quietTo);
  } else input.noQuietHours = true;
  return input;
}

type Settings = { email: string; quietFrom?: number | null; quietTo?: number | null; timeZone: string;
  subscriptions: { kind: NoticeKind; channels: NoticeChannel[]; own: boolean }[] };

function valuesOf(s: Settings): SettingsValues {
  return {
    email: s.email, changed: [], timeZone: s.timeZone,
    channels: Object.fromEntries(s.subscriptions.map((x) => [x.kind, x.channels])),
    quiet: s.quietFrom != null && s.quietTo != null,
    quietFrom: minutesToTime(s.quietFrom ?? 22 * 60), quietTo: minutesToTime(s.quietTo ?? 7 * 60),
  };
}

// NoticeSettingsPage is where a person says where their notifications go:
// their e-mail address, which kinds arrive in the app and by e-mail (a kind
// they have not chosen follows their roles' default), and quiet hours.
export function NoticeSettingsPage() {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: SettingsQuery, requestPolicy: "network-only" });
  const settings = data?.noticeSettings;
  return (
    <Space direction="vertical" className="lt-full">
      <Typography.Title level={3}>{t("noticeSettings.title")}</Typography.Title>
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      {settings && <SettingsForm settings={settings} onSaved={() => refetch({ requestPolicy: "network-only" })} />}
    </Space>
  );
}

export function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: () => void }) {
  const { t } = useTranslation();
  const [v, setV] = useState(() => valuesOf(settings));
  useEffect(() => setV(valuesOf(settings)), [settings]);
  const [state, save] = useSubmit(UpdateSettings);
  const [resetState, reset] = useSubmit(UpdateSettings);
  const own = Object.fromEntries(settings.subscriptions.map((s) => [s.kind, s.own])) as Partial<Record<NoticeKind, boolean>>;
  const emailOk = v.email.trim() === "" || /^[^\s@]+@[^\s@]+$/.test(v.email.trim());
  const toggle = (kind: NoticeKind, channel: NoticeChannel, on: boolean) => setV((x) => {
    const now = (x.channels[kind] ?? []).filter((c) => c !== channel);
    return { ...x, channels: { ...x.channels, [kind]: on ? [...now, channel] : now }, changed: x.changed.includes(kind) ? x.changed : [...x.changed, kind] };
  });
  const submit = async () => {
    const r = await save({ input: settingsInput(v) });
    if (!r || r.error) return;
    message.success(t("noticeSettings.saved"));
    onSaved();
  };
  const resetAll = async () => {
    const r = await reset({ input: { resetSubscriptions: true } });
    if (!r || r.error) return;
    message.success(t("noticeSettings.resetDone"));
    onSaved();
  };
  const err = state.error ?? resetState.error;
  return (
    <Form layout="vertical" onFinish={submit} className="lt-stack">
      {err && <Alert type="error" showIcon message={errorMessage(t, err)} />}
      <Card title={t("noticeSettings.email")}>
        <Form.Item label={t("noticeSettings.emailAddress")} htmlFor="notice-email" extra={t("noticeSettings.emailHint")}
          validateStatus={emailOk ? undefined : "error"} help={emailOk ? undefined : t("noticeSettings.emailRule")}>
          <Input id="notice-email" type="email" autoComplete="email" value={v.email} className="lt-w320"
            onChange={(e) => setV((x) => ({ ...x, email: e.target.value }))} />
        </Form.Item>
      </Card>
      <Card title={t("noticeSettings.kinds")} extra={
        <Popconfirm title={t("noticeSettings.resetConfirm")} onConfirm={resetAll}>
          <Button size="small" loading={resetState.fetching}>{t("noticeSettings.reset")}</Button>
        </Popconfirm>}>
        <Typography.Paragraph type="secondary">{t("noticeSettings.kindsHint")}</Typography.Paragraph>
        <Table rowKey="kind" size="small" pagination={false} dataSource={noticeKinds.map((kind) => ({ kind }))} columns={[
          { title: t("noticeSettings.kind"), key: "kind", render: (_, r) => <Space size={4} wrap>
            <span>{t(`noticeKind.${r.kind}`)}</span>
            {!own[r.kind] && !v.changed.includes(r.kind) && <Tag>{t("noticeSettings.default")}</Tag>}
          </Space> },
          ...noticeChannels.map((c) => ({ title: t(`noticeChannel.${c}`), key: c, width: 96, render: (_: unknown, r: { kind: NoticeKind }) =>
            <Checkbox checked={(v.channels[r.kind] ?? []).includes(c)} aria-label={`${t(`noticeKind.${r.kind}`)} · ${t(`noticeChannel.${c}`)}`}
              onChange={(e) => toggle(r.kind, c, e.target.checked)} /> })),
        ]} />
      </Card>
      <Card title={t("noticeSettings.quiet")}>
        <Space direction="vertical" className="lt-full">
          <Space>
            <Switch checked={v.quiet} onChange={(quiet) => setV((x) => ({ ...x, quiet }))} aria-label={t("noticeSettings.quietOn")} />
            <span>{t("noticeSettings.quietOn")}</span>
          </Space>
          {v.quiet && <Space wrap>
            <label>{t("noticeSettings.quietFrom")} <Input type="time" className="lt-w140" value={v.quietFrom} required
              onChange={(e) => setV((x) => ({ ...x, quietFrom: e.target.value || x.quietFrom }))} /></label>
            <label>{t("noticeSettings.quietTo")} <Input type="time" className="lt-w140" value={v.quietTo} required
              onChange={(e) => setV((x) => ({ ...x, quietTo: e.target.value || x.quietTo }))} /></label>
          </Space>}
          {v.quiet && <Select showSearch className="lt-w260" aria-label={t("noticeSettings.zone")} value={v.timeZone}
            onChange={(timeZone: string) => setV((x) => ({ ...x, timeZone }))} options={zones.map((z) => ({ value: z, label: z }))} />}
          <Typography.Text type="secondary">{t("noticeSettings.quietHint")}</Typography.Text>
        </Space>
      </Card>
      <div><Button type="primary" htmlType="submit" disabled={!emailOk} loading={state.fetching}>{t("common.save")}</Button></div>
    </Form>
  );
}
