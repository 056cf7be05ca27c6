import { Alert, Button, Card, Checkbox, Col, DatePicker, Form, Input, List, Modal, Popconfirm, Row, Select, Space, Tag, Typography, message } from "antd";
import type { Dayjs } from "dayjs";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate } from "react-router";
import { useMutation, useQuery, type CombinedError } from "urql";
import { errorMessage } from "../../api";
import { useIncidentAccess } from "../../components/access";
import { reveal } from "../../components/reveal";
import { GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { ChatMessageFieldsFragment, LeakAndSightingsQuery, MessageFilter } from "../../gql/graphql";
import { fromZone, wallTime } from "../evidence/zoneTime";
import { MarkLeak } from "./ChatImport";
import { goodTag } from "../spread/graphStyle";
import { lineLink, percent, readLineLink, sendersNamed, type LineRef } from "./chatData";

graphql(`
  fragment ChatMessageFields on ChatMessage {
    id at kind text forwardedFrom quote members
    chat { id name platform direct }
    sender { id name handles }
    media { name md5 omitted evidence { id fileName } }
    items { sender at text }
    sources { line offset raw evidence { id fileName } }
    forwards { id key at from { name } to { name } }
  }
`);
const ChatFilters = graphql(`
  query ChatFilters($id: ID!) {
    incident(id: $id) {
      id
      chats { id name platform direct messageCount memberCount }
      chatSenders { id name platform handles }
      chatImports { id state evidence { id fileName } }
    }
  }
`);
const Messages = graphql(`
  query Messages($id: ID!, $filter: MessageFilter, $first: Int, $after: String) {
    incident(id: $id) { id messages(filter: $filter, first: $first, after: $after) { total next messages { ...ChatMessageFields } } }
  }
`);
const Leak = graphql(`
  query LeakAndSightings($id: ID!) {
    incident(id: $id) {
      id
      leakMarks { id kind text sha256 md5 imageHashed documentNumbers createdAt evidence { id fileName } message { id text chat { name } } }
      sightings { kind score detail item message { id at text chat { name } sender { name } sources { line evidence { id fileName } } } }
    }
  }
`);
const Unmark = graphql(`mutation UnmarkLeak($id: ID!) { unmarkLeak(id: $id) }`);
const IdentifySender = graphql(`mutation IdentifyChatSender($id: ID!, $name: String!) { identifyChatSender(id: $id, name: $name) { id name handles } }`);
const IdentifyChat = graphql(`mutation IdentifyChat($id: ID!, $name: String!) { identifyChat(id: $id, name: $name) { id name } }`);

const pageSize = 50;

// sourceOf is the first line a message was read from, the one to jump to.
const sourceOf = (m: { sources: { line: number; evidence: { id: string } }[] }): LineRef | undefined =>
  m.sources[0] ? { evidenceId: m.sources[0].evidence.id, line: m.sources[0].line } : undefined;

// readsLine says whether a message was read from the line an address names.
const readsLine = (m: ChatMessageFieldsFragment, at?: LineRef) => !!at && m.sources.some((s) => s.evidence.id === at.evidenceId && s.line === at.line);

interface Filters { text?: string; fuzzy?: boolean; chats?: string[]; senders?: string[]; range?: [Dayjs | null, Dayjs | null] | null; evidence?: string }

// instant reads a date and time picked for the case's zone as that zone's.
const instant = (d: Dayjs, zone: string) => fromZone(zone, d.year(), d.month() + 1, d.date(), d.hour(), d.minute()).toISOString();

// toFilter is what the filter form asks the server for, times read in the case's zone.
export function toFilter(f: Filters, zone: string, at?: LineRef): MessageFilter {
  if (at) return { evidenceId: at.evidenceId, line: at.line };
  const [from, to] = f.range ?? [];
  return {
    text: f.text?.trim() || undefined, fuzzy: f.text?.trim() && f.fuzzy ? true : undefined, chatIds: f.chats?.length ? f.chats : undefined, senderIds: f.senders?.length ? f.senders : undefined,
    from: from ? instant(from, zone) : undefined, to: to ? instant(to, zone) : undefined, evidenceId: f.evidence || undefined,
  };
}

// MessagesPanel is the case's chat messages read from its exports: search
// (a substring, which works for Chinese) and filters by chat, sender, time
// and export, each message with where it was read (file, line, the raw
// text); opened at a line by an address, which is how proposals and
// evidenced forwards show the lines they rest on. Here the investigator
// marks what leaked (a message or a text) and sees where it was sighted.
export function MessagesPanel({ incidentId, zone, frozen, changes }: { incidentId: string; zone: string; frozen: boolean; changes: number }) {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const at = useMemo(() => readLineLink(location.search), [location.search]);
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const filter = useMemo(() => toFilter(filters, zone, at), [filters, zone, at]);
  const [{ data: choices }, refetchChoices] = useQuery({ query: ChatFilters, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  const [{ data: leak, error: leakError }, refetchLeak] = useQuery({ query: Leak, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  // The pages shown: each a cursor, the first none; a new filter starts again.
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [version, setVersion] = useState(0);
  useEffect(() => setPages([null]), [filter]);
  const reload = useCallback(() => {
    setVersion((v) => v + 1);
    refetchChoices({ requestPolicy: "network-only" });
    refetchLeak({ requestPolicy: "network-only" });
  }, [refetchChoices, refetchLeak]);
  // A colleague's change (a read finished, a mark, a name) shows here too.
  useEffect(() => { if (changes) reload(); }, [changes, reload]);
  const inc = choices?.incident;
  const exports = (inc?.chatImports ?? []).filter((i) => i.state === "DONE");
  const fileOf = (id: string) => exports.find((i) => i.evidence.id === id)?.evidence.fileName ?? id;
  const jump = (ref: LineRef) => navigate({ ...lineLink(ref) });
  const named = at || filters.senders?.length ? [] : sendersNamed(filters.text, inc?.chatSenders ?? []);
  const bySender = () => {
    form.setFieldsValue({ text: undefined, fuzzy: false, senders: named.map((s) => s.id) });
    form.submit();
  };
  return (
    <div className="lt-stack" id="messages">
      <Card title={t("chat.title")}>
        {at && <Alert type="info" showIcon className="lt-gap" data-testid="at-line" message={t("chat.atLine", { file: fileOf(at.evidenceId), line: at.line })}
          action={<Space>
            {location.key !== "default" && <Button size="small" data-testid="line-back" onClick={() => navigate(-1)}>{t("chat.back")}</Button>}
            <Button size="small" onClick={() => navigate({ search: "", hash: "messages" })}>{t("chat.showAll")}</Button>
          </Space>} />}
        {!at && <GuardedForm form={form} name="message-filter" layout="vertical" onFinish={(v) => setFilters(v)}>
          <Row gutter={12}>
            <Col xs={24} md={12}>
              <Form.Item name="text" label={t("chat.search")}>
                <Input.Search allowClear enterButton={t("chat.searchButton")} maxLength={200} placeholder={t("chat.searchHint")}
                  onSearch={() => form.submit()} />
              </Form.Item>
              <Form.Item name="fuzzy" valuePropName="checked" extra={t("chat.fuzzyHint")} style={{ marginTop: -16 }}>
                <Checkbox onChange={() => form.submit()}>{t("chat.fuzzy")}</Checkbox>
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="range" label={t("chat.timeRange", { zone })}>
                <DatePicker.RangePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" allowEmpty={[true, true]} style={{ width: "100%" }}
                  onChange={() => form.submit()} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="chats" label={t("chat.chat")}>
                <Select mode="multiple" allowClear optionFilterProp="label" onChange={() => form.submit()}
                  options={(inc?.chats ?? []).map((c) => ({ value: c.id, label: `${c.name} · ${t(`spread.platforms.${c.platform}`)}` }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="senders" label={t("chat.sender")}>
                <Select mode="multiple" allowClear optionFilterProp="label" onChange={() => form.submit()}
                  options={(inc?.chatSenders ?? []).map((s) => ({ value: s.id, label: s.handles.length ? `${s.name} (${s.handles.join(", ")})` : s.name }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="evidence" label={t("chat.export")}>
                <Select allowClear optionFilterProp="label" onChange={() => form.submit()}
                  options={exports.map((i) => ({ value: i.evidence.id, label: i.evidence.fileName }))} />
              </Form.Item>
            </Col>
          </Row>
        </GuardedForm>}
        {named.length > 0 && <Alert type="info" showIcon className="lt-gap" data-testid="search-names-sender"
          message={t("chat.searchNamesSender", { name: filters.text?.trim() })}
          action={<Button size="small" onClick={bySender}>{t("chat.bySender")}</Button>} />}
        {pages.map((after, i) => (
          <MessagePage key={`${version}:${after ?? ""}`} incidentId={incidentId} filter={filter} after={after} zone={zone} at={at} frozen={frozen}
            first={i === 0} last={i === pages.length - 1} onMore={(next) => setPages((p) => [...p, next])} onMarked={reload} onJump={jump} />
        ))}
      </Card>
      <PeopleCard frozen={frozen} chats={inc?.chats ?? []} senders={inc?.chatSenders ?? []} onChanged={reload} />
      <LeakCard incidentId={incidentId} zone={zone} frozen={frozen} data={leak} error={leakError} onChanged={reload} onJump={jump} />
    </div>
  );
}

function MessagePage({ incidentId, filter, after, zone, at, frozen, first, last, onMore, onMarked, onJump }: {
  incidentId: string; filter: MessageFilter; after: string | null; zone: string; at?: LineRef; frozen: boolean; first: boolean; last: boolean;
  onMore: (next: string) => void; onMarked: () => void; onJump: (ref: LineRef) => void;
}) {
  const { t } = useTranslation();
  const [{ data, fetching, error }] = useQuery({ query: Messages, variables: { id: incidentId, filter, first: pageSize, after }, requestPolicy: "network-only" });
  const page = data?.incident?.messages;
  // Opened at a line: that message is brought into view.
  useEffect(() => {
    if (!at || !page) return;
    const el = document.querySelector<HTMLElement>("[data-at-line]");
    el?.scrollIntoView?.({ block: "center" });
  }, [at, page]);
  if (error) return <Alert type="error" showIcon message={errorMessage(t, error)} />;
  return <>
    {first && page && <Typography.Paragraph type="secondary" data-testid="message-total">
      {t(page.total >= 10000 ? "chat.totalMany" : at ? "chat.totalInExport" : "chat.total", { count: page.total })}</Typography.Paragraph>}
    <List size="small" rowKey="id" loading={fetching && !page} dataSource={page?.messages ?? []} locale={{ emptyText: t("chat.noMessages") }}
      data-testid="messages" renderItem={(m) => <MessageItem m={m} zone={zone} incidentId={incidentId} frozen={frozen} at={readsLine(m, at)} onMarked={onMarked} onJump={onJump} />} />
    {last && page?.next && <Button block className="lt-top-sm" onClick={() => onMore(page.next!)}>{t("chat.more")}</Button>}
  </>;
}

function MessageItem({ m, zone, incidentId, frozen, at, onMarked, onJump }: {
  m: ChatMessageFieldsFragment; zone: string; incidentId: string; frozen: boolean; at: boolean; onMarked: () => void; onJump: (ref: LineRef) => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { canEdit } = useIncidentAccess();
  const [open, setOpen] = useState(at);
  // Opened at its line, the message shows where it was read.
  useEffect(() => { if (at) setOpen(true); }, [at]);
  const [marked, mark] = useSubmit(MarkLeak);
  return (
    <List.Item data-message={m.id} {...(at ? { "data-at-line": "" } : {})} className={at ? "lt-at-line" : undefined}
      actions={canEdit && !frozen ? [<Button key="mark" size="small" type="link" loading={marked.fetching} onClick={async () => {
        const r = await mark({ incidentId, input: { messageId: m.id } });
        if (r?.data) { message.success(t("chat.marked")); onMarked(); } else if (r?.error) message.error(errorMessage(t, r.error));
      }}>{t("chat.markLeak")}</Button>] : []}>
      <div style={{ minWidth: 0, width: "100%" }}>
        <Space wrap size={4}>
          <Typography.Text type="secondary">{wallTime(m.at, zone, true)}</Typography.Text>
          <Tag>{m.chat.name}</Tag>
          {m.sender && <Typography.Text strong>{m.sender.name}</Typography.Text>}
          {m.kind !== "TEXT" && <Tag color="blue">{t(`chat.kind.${m.kind}`)}</Tag>}
          {m.sources.length > 1 && <Tag color="purple">{t("chat.sources", { count: m.sources.length })}</Tag>}
        </Space>
        {m.forwardedFrom && <div><Typography.Text type="secondary">{t("chat.forwardedFrom", { name: m.forwardedFrom })}</Typography.Text></div>}
        {m.quote && <blockquote className="lt-quote">{m.quote}</blockquote>}
        {m.text && <div className="lt-message-text">{m.text}</div>}
        {m.members.length > 0 && <div><Typography.Text type="secondary">{m.members.join("、")}</Typography.Text></div>}
        {m.items.length > 0 && <div className="lt-bundle">{m.items.map((b, i) => <div key={i}>
          <Typography.Text type="secondary">{b.at ? wallTime(b.at, zone) : ""} {b.sender}</Typography.Text> {b.text}</div>)}</div>}
        {m.media.length > 0 && <Space wrap size={4}>{m.media.map((x, i) => x.evidence
          ? <Button key={i} size="small" type="link" style={{ padding: 0 }} data-media={x.evidence.fileName}
            onClick={() => { navigate({ search: "", hash: "evidence" }); reveal(`evidence-${x.evidence!.id}`); }}>📎 {x.evidence.fileName}</Button>
          : <Tag key={i}>{x.omitted ? t("chat.mediaOmitted", { name: x.name }) : x.name}</Tag>)}</Space>}
        <div><Button size="small" type="link" style={{ padding: 0 }} aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? t("chat.hideSources") : t("chat.showSources")}</Button></div>
        {open && m.forwards.length > 0 && <div data-testid="message-forwards">
          <Typography.Text type="secondary">{t("chat.provesForwards")}: </Typography.Text>
          {m.forwards.map((f, i) => <span key={f.id}>{i > 0 && t("chat.listSeparator")}<Button size="small" type="link" className="lt-wrap-link"
            onClick={() => navigate({ search: "", hash: "spread" })}>{wallTime(f.at, zone)} {f.from.name} → {f.to.name}</Button></span>)}
        </div>}
        {open && m.sources.map((s, i) => <div key={i} data-source-line={s.line}>
          <Typography.Text>{t("chat.sourceAt", { file: s.evidence.fileName, line: s.line })}</Typography.Text>
          {!at && <Button size="small" type="link" onClick={() => onJump({ evidenceId: s.evidence.id, line: s.line })}>{t("chat.around")}</Button>}
          <pre className="lt-raw">{s.raw}</pre>
        </div>)}
      </div>
    </List.Item>
  );
}

// LeakCard is what leaked, as marked (a file, a message, a text) with the
// fingerprints derived from each, and the messages of the case that match.
function LeakCard({ incidentId, zone, frozen, data, error, onChanged, onJump }: {
  incidentId: string; zone: string; frozen: boolean; data?: LeakAndSightingsQuery; error?: CombinedError; onChanged: () => void; onJump: (ref: LineRef) => void;
}) {
  const { t } = useTranslation();
  const { canEdit } = useIncidentAccess();
  const editable = canEdit && !frozen;
  const [removed, unmark] = useMutation(Unmark);
  const [form] = Form.useForm<{ text: string }>();
  const [marked, mark] = useSubmit(MarkLeak);
  const marks = data?.incident?.leakMarks ?? [];
  const sightings = data?.incident?.sightings ?? [];
  return (
    <Card title={t("chat.leakTitle")} id="leak-marks">
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      {removed.error && <Alert type="error" showIcon message={errorMessage(t, removed.error)} />}
      {marked.error && <Alert type="error" showIcon message={errorMessage(t, marked.error)} />}
      <List size="small" data-testid="leak-marks" dataSource={marks} locale={{ emptyText: t("chat.noMarks") }} renderItem={(k) => (
        <List.Item data-leak-mark={k.kind} actions={editable ? [<Popconfirm key="rm" title={t("chat.unmarkConfirm")} okText={t("common.yes")} cancelText={t("common.no")}
          onConfirm={async () => { const r = await unmark({ id: k.id }); if (r.data) onChanged(); }}>
          <Button size="small" type="link" danger>{t("chat.unmark")}</Button></Popconfirm>] : []}>
          <div style={{ minWidth: 0 }}>
            <Space wrap size={4}>
              <Tag>{t(`chat.markKind.${k.kind}`)}</Tag>
              <Typography.Text strong>{k.evidence?.fileName ?? (k.message ? `${k.message.chat.name}: ${k.message.text}` : k.text)}</Typography.Text>
              {k.imageHashed && <Tag color={goodTag}>{t("chat.imageHashed")}</Tag>}
            </Space>
            {k.sha256 && <div><Typography.Text type="secondary">SHA-256 </Typography.Text><Typography.Text code style={{ fontSize: 11 }}>{k.sha256}</Typography.Text></div>}
            {k.md5 && <div><Typography.Text type="secondary">MD5 </Typography.Text><Typography.Text code style={{ fontSize: 11 }}>{k.md5}</Typography.Text></div>}
            {k.documentNumbers.length > 0 && <div><Typography.Text type="secondary">{t("chat.documentNumbers")}: </Typography.Text>{k.documentNumbers.join("、")}</div>}
          </div>
        </List.Item>)} />
      {editable && <GuardedForm form={form} name="mark-text" layout="inline" className="lt-inline-form" onFinish={async (v) => {
        const r = await mark({ incidentId, input: { text: v.text.trim() } });
        if (r?.data) { message.success(t("chat.marked")); form.resetFields(); onChanged(); }
      }}>
        <Form.Item name="text" label={t("chat.markText")} rules={[{ required: true, whitespace: true, message: t("chat.markTextRequired") }]} style={{ flex: 1, minWidth: 220 }}>
          <Input placeholder={t("chat.markTextHint")} />
        </Form.Item>
        <Button htmlType="submit" loading={marked.fetching} disabled={marked.fetching}>{t("chat.mark")}</Button>
      </GuardedForm>}
      <Typography.Title level={5} className="lt-top-sm">{t("chat.sightings", { count: sightings.length })}</Typography.Title>
      <List size="small" data-testid="sightings" dataSource={sightings} locale={{ emptyText: t("chat.noSightings") }} renderItem={(s) => {
        const ref = sourceOf(s.message);
        return <List.Item data-sighting={s.kind} actions={ref ? [<Button key="jump" size="small" type="link" onClick={() => onJump(ref)}>{t("chat.jump")}</Button>] : []}>
          <div style={{ minWidth: 0 }}>
            <Space wrap size={4}>
              <Tag color="red">{t(`chat.sighting.${s.kind}`)}</Tag>
              <Tag>{percent(s.score)}</Tag>
              <Typography.Text type="secondary">{wallTime(s.message.at, zone)}</Typography.Text>
              <Tag>{s.message.chat.name}</Tag>
              {s.message.sender && <Typography.Text strong>{s.message.sender.name}</Typography.Text>}
            </Space>
            <div className="lt-message-text">{s.message.text}</div>
          </div>
        </List.Item>;
      }} />
    </Card>
  );
}

type Naming = { kind: "sender" | "chat"; id: string; name: string };

// PeopleCard is who and where the exports show: each sender with every
// handle seen, each chat with its members; the investigator names them as
// identified (a wxid, a QQ number, a room id), and handles given one name
// are one person, which is what reconstruction follows.
function PeopleCard({ frozen, chats, senders, onChanged }: {
  frozen: boolean; onChanged: () => void;
  chats: { id: string; name: string; platform: string; direct: boolean; messageCount: number; memberCount: number }[];
  senders: { id: string; name: string; platform: string; handles: string[] }[];
}) {
  const { t } = useTranslation();
  const { canEdit } = useIncidentAccess();
  const editable = canEdit && !frozen;
  const [naming, setNaming] = useState<Naming>();
  const name = (n: Naming) => editable ? [<Button key="name" size="small" type="link" onClick={() => setNaming(n)}>{t("chat.identify")}</Button>] : [];
  return (
    <Card title={t("chat.peopleTitle")} id="chat-people">
      <Typography.Paragraph type="secondary">{t("chat.peopleHint")}</Typography.Paragraph>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <List size="small" header={t("chat.senders", { count: senders.length })} dataSource={senders} pagination={senders.length > 50 ? { pageSize: 50, size: "small" } : false}
            renderItem={(s) => <List.Item data-sender={s.handles.join(" ")} actions={name({ kind: "sender", id: s.id, name: s.name })}>
              <div style={{ minWidth: 0 }}><Typography.Text strong>{s.name}</Typography.Text> <Tag>{t(`spread.platforms.${s.platform}`)}</Tag>
                {s.handles.length > 0 && <div><Typography.Text type="secondary" style={{ overflowWrap: "anywhere" }}>{s.handles.join(", ")}</Typography.Text></div>}</div>
            </List.Item>} />
        </Col>
        <Col xs={24} md={12}>
          <List size="small" header={t("chat.chats", { count: chats.length })} dataSource={chats} pagination={chats.length > 50 ? { pageSize: 50, size: "small" } : false}
            renderItem={(c) => <List.Item data-chat={c.name} actions={name({ kind: "chat", id: c.id, name: c.name })}>
              <div style={{ minWidth: 0 }}><Typography.Text strong style={{ overflowWrap: "anywhere" }}>{c.name}</Typography.Text>{" "}
                <Tag>{t(`spread.platforms.${c.platform}`)}</Tag><Tag>{t(c.direct ? "spread.kind.DIRECT_CHAT" : "spread.kind.GROUP_CHAT")}</Tag>
                <div><Typography.Text type="secondary">{t("chat.chatCounts", { messages: c.messageCount, members: c.memberCount })}</Typography.Text></div></div>
            </List.Item>} />
        </Col>
      </Row>
      {naming && <NameForm naming={naming} onCancel={() => setNaming(undefined)} onDone={() => { setNaming(undefined); onChanged(); }} />}
    </Card>
  );
}

function NameForm({ naming, onCancel, onDone }: { naming: Naming; onCancel: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ name: string }>();
  const [sender, nameSender] = useSubmit(IdentifySender);
  const [chat, nameChat] = useSubmit(IdentifyChat);
  const result = naming.kind === "sender" ? sender : chat;
  const submit = async (v: { name: string }) => {
    const vars = { id: naming.id, name: v.name.trim() };
    const r = naming.kind === "sender" ? await nameSender(vars) : await nameChat(vars);
    if (r?.data) { message.success(t("chat.named")); form.resetFields(); onDone(); }
  };
  return (
    <Modal open title={t(naming.kind === "sender" ? "chat.identifySender" : "chat.identifyChat", { name: naming.name })} onCancel={onCancel}
      onOk={() => form.submit()} okButtonProps={{ disabled: result.fetching }} confirmLoading={result.fetching} destroyOnHidden>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} style={{ marginBottom: 8 }} />}
      <GuardedForm form={form} name="identify" layout="vertical" onFinish={submit} initialValues={{ name: naming.name }}>
        <Form.Item name="name" label={t("spread.name")} extra={naming.kind === "sender" ? t("chat.identifyHint") : undefined}
          rules={[{ required: true, whitespace: true, message: t("spread.nameRequired") }]}>
          <Input autoFocus maxLength={200} />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}
