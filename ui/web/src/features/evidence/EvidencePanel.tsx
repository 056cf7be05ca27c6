import { InboxOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Descriptions, Form, Grid, Image, Input, Modal, Progress, Select, Space, Switch, Table, Tag, Timeline, Typography, Upload, message } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import { errorMessage, requestErrorMessage, sendFile } from "../../api";
import { useIncidentAccess } from "../../components/access";
import { GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import { AcquisitionFields, acquisitionInput, type Acquisition } from "./AcquisitionFields";
import { PdfPreview } from "./PdfPreview";
import { browserZone as timeZone, inZone } from "./zoneTime";
import { recordableCustodyActions as handActions } from "../../vocabulary";
import { ChatImportStatus, MarkLeakButton, ReadAsChat, useChatImports } from "../chatlog/ChatImport";

const EvidenceQuery = graphql(`
  query Evidence($id: ID!) {
    incident(id: $id) {
      id
      evidence {
        id fileName sha256 size contentType uploadedAt timeZone legalHold fixity capturedAt device
        uploadedBy { displayName }
        duplicateOf { id }
        acquisition { from where how at timeZone by }
        custody { action actor { displayName } actorName at timeZone purpose sha256 transferredTo collectedFrom }
      }
    }
  }
`);
const Me = graphql(`query EvidenceMe { me { id displayName } }`);
const Begin = graphql(`
  mutation BeginUpload($id: ID!, $input: EvidenceInput!) { beginEvidenceUpload(incidentId: $id, input: $input) { id uploadUrl maxSize } }
`);
const LinkMutation = graphql(`
  mutation EvidenceLink($id: ID!, $purpose: String!, $view: Boolean, $tz: String) {
    evidenceLink(evidenceId: $id, purpose: $purpose, view: $view, timeZone: $tz) { url }
  }
`);
const Hold = graphql(`
  mutation LegalHold($id: ID!, $on: Boolean!, $purpose: String!, $tz: String) {
    setLegalHold(evidenceId: $id, on: $on, purpose: $purpose, timeZone: $tz) { id legalHold }
  }
`);

const Custody = graphql(`
  mutation RecordCustody($id: ID!, $input: CustodyInput!) { recordCustody(evidenceId: $id, input: $input) { action } }
`);
const Verify = graphql(`
  mutation VerifyEvidence($id: ID!) { verifyEvidence(incidentId: $id) {
    checked ok mismatched missing problems { fixity evidence { fileName } }
  } }
`);

// The purposes Leaktrail writes itself on the events it records, shown in the reader's language.
const systemPurposes: Record<string, string> = {
  "stored in the evidence vault": "stored", "fixity check": "fixity", "sealed evidence package": "package", collected: "collected",
};
// The purpose of a COLLECTED event recorded from an upload's acquisition: how, in the collector's words.
const collectedHow = "collected: ";
const bytes = (n: number) => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`);

const isPdf = (contentType: string) => contentType.split(";")[0] === "application/pdf";

// A chat export is text, JSON or a zip; a photo, a recording or a PDF is
// not offered to be read as one.
const mayBeExport = (contentType: string) => !/^(image|audio|video)\//.test(contentType) && !isPdf(contentType);

interface Uploading { name: string; percent: number; error?: string; sha256?: string }

// EvidencePanel is the incident's vault: drag-and-drop upload with progress
// and the hash once computed, each item's custody log, download and preview
// through short-lived links (each a custody event, with its purpose), legal
// hold, the sealed package; reading an item as a chat export, and marking
// one as what leaked.
export function EvidencePanel({ incidentId, reference, frozen, changes, caseZone = timeZone }: {
  incidentId: string; reference: string; frozen: boolean; changes: number; caseZone?: string;
}) {
  const { t, i18n } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: EvidenceQuery, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  const [, begin] = useMutation(Begin);
  const [, link] = useMutation(LinkMutation);
  const [, hold] = useMutation(Hold);
  const [uploads, setUploads] = useState<Record<string, Uploading>>({});
  const [asking, setAsking] = useState<null | { title: string; run: (purpose: string) => Promise<void> }>(null);
  const [preview, setPreview] = useState<string>();
  const [pdf, setPdf] = useState<{ url: string; name: string }>();
  const [acquisition] = Form.useForm<Acquisition>();
  const [{ data: me }] = useQuery({ query: Me });
  const myName = me?.me?.displayName;
  const { canEdit } = useIncidentAccess();
  const [thumbs, setThumbs] = useState<Record<string, string>>();
  const [custodyOf, setCustodyOf] = useState<string>();
  const [readingOf, setReadingOf] = useState<{ id: string; fileName: string }>();
  const chat = useChatImports(incidentId, changes);
  // On a phone the table keeps two columns: the file (with its upload and
  // fixity under the name) and what can be done with it.
  const phone = !Grid.useBreakpoint().sm;
  const holdSwitch = (on: boolean, e: { id: string }) => !canEdit ? (on ? t("common.yes") : t("common.no")) : <Switch checked={on} disabled={frozen}
            aria-label={t("evidence.legalHold")} onChange={(next) => withPurpose(t("evidence.legalHold"), async (purpose) => {
              const r = await hold({ id: e.id, on: next, purpose, tz: timeZone });
              if (!r.data) message.error(errorMessage(t, r.error));
              refetch({ requestPolicy: "network-only" });
            })} />;
  const [verified, verify] = useMutation(Verify);
  const items = data?.incident?.evidence ?? [];
  useEffect(() => { if (changes) refetch({ requestPolicy: "network-only" }); }, [changes, refetch]);

  const upload = async (file: File) => {
    const track = (u: Partial<Uploading>) => setUploads((all) => ({ ...all, [file.name]: { ...all[file.name], name: file.name, percent: 0, ...u } }));
    let how: Acquisition;
    try {
      how = await acquisition.validateFields();
    } catch (err) {
      // Files dropped together are validated together, and antd turns down
      // every validation but the last as out of date though nothing is
      // wrong: only one file of a chat export and its media went in.
      const e = err as { outOfDate?: boolean; errorFields?: unknown[]; values?: Acquisition };
      if (!e.outOfDate || e.errorFields?.length || !e.values) return void message.error(t("evidence.acquisition.first"));
      how = e.values;
    }
    track({ percent: 0 });
    const begun = await begin({ id: incidentId, input: { fileName: file.name, timeZone, acquisition: acquisitionInput(how) } });
    if (!begun.data) return track({ error: errorMessage(t, begun.error) });
    try {
      const stored = await sendFile<{ sha256: string }>("PUT", begun.data.beginEvidenceUpload.uploadUrl, file, undefined, (percent) => track({ percent }));
      track({ percent: 100, sha256: stored.sha256 });
      message.success(t("evidence.stored", { name: file.name, hash: stored.sha256.slice(0, 16) + "…" }));
      refetch({ requestPolicy: "network-only" });
    } catch (err) {
      track({ error: requestErrorMessage(t, err) });
    }
  };
  const withPurpose = (title: string, run: (purpose: string) => Promise<void>) => setAsking({ title, run });
  // A preview is a logged view: an image in the lightbox, a PDF in a frame.
  const open = (e: { id: string; fileName: string; contentType: string }, view: boolean) => withPurpose(view ? t("evidence.preview") : t("evidence.download"), async (purpose) => {
    const r = await link({ id: e.id, purpose, view, tz: timeZone });
    if (!r.data) return void message.error(errorMessage(t, r.error));
    const url = r.data.evidenceLink.url;
    if (!view) window.location.assign(url);
    else if (isPdf(e.contentType)) setPdf({ url, name: e.fileName });
    else setPreview(url);
    refetch({ requestPolicy: "network-only" });
  });

  // Thumbnails are views of the content: they are fetched only when asked
  // for, each logged as VIEWED with the purpose given.
  const images = items.filter((e) => e.contentType.startsWith("image/"));
  const showThumbnails = () => withPurpose(t("evidence.thumbnails"), async (purpose) => {
    const links: Record<string, string> = {};
    for (const e of images) {
      const r = await link({ id: e.id, purpose, view: true, tz: timeZone });
      if (!r.data) return void message.error(errorMessage(t, r.error));
      links[e.id] = r.data.evidenceLink.url;
    }
    setThumbs(links);
    refetch({ requestPolicy: "network-only" });
  });
  const purposeText = (p: string) => systemPurposes[p] ? t(`evidence.systemPurpose.${systemPurposes[p]}`)
    : p.startsWith(collectedHow) ? t("evidence.collectedHow", { how: p.slice(collectedHow.length) }) : p;
  const runVerify = async () => {
    const r = await verify({ id: incidentId });
    const report = r.data?.verifyEvidence;
    if (report) {
      const clean = report.mismatched === 0 && report.missing === 0;
      // Name each bad item, so that the reader knows which one to look at.
      const items = new Intl.ListFormat(i18n.language).format(report.problems.map(
        (p) => t("evidence.problem", { file: p.evidence.fileName, state: t(`evidence.fixity.${p.fixity}`) })));
      message[clean ? "success" : "error"](t(clean ? "evidence.verifiedOk" : "evidence.verifiedBad", { count: report.checked, items }));
    }
    refetch({ requestPolicy: "network-only" });
  };

  // On a phone the actions are under the file, not in a column of their own
  // that the table scrolls out of sight (and that cut the file's lines).
  const actions = (e: (typeof items)[number]) => <Space wrap>
    {(e.contentType.startsWith("image/") || isPdf(e.contentType)) && <Button size="small" onClick={() => open(e, true)}>{t("evidence.preview")}</Button>}
    <Button size="small" onClick={() => open(e, false)}>{t("evidence.download")}</Button>
    {canEdit && !frozen && <Button size="small" onClick={() => setCustodyOf(e.id)}>{t("evidence.recordCustody")}</Button>}
    {/* An item is read once; a failed read may be tried again. */}
    {canEdit && !frozen && mayBeExport(e.contentType) && (chat.byEvidence.get(e.id)?.state ?? "FAILED") === "FAILED" &&
      <Button size="small" data-read-chat={e.fileName} onClick={() => setReadingOf(e)}>{t("chat.readAs")}</Button>}
    {canEdit && !frozen && <MarkLeakButton incidentId={incidentId} evidenceId={e.id} />}
  </Space>;
  return (
    <Card id="evidence" title={t("evidence.title")} extra={items.length > 0 && <Space wrap>
      {images.length > 0 && !thumbs && <Button size="small" onClick={showThumbnails}>{t("evidence.thumbnails")}</Button>}
      {canEdit && <Button size="small" loading={verified.fetching} onClick={runVerify}>{t("evidence.verify")}</Button>}
      <Button size="small" href={`/incidents/${reference}/evidence.zip`}>{t("evidence.export")}</Button></Space>}>
      {verified.error && <Alert type="error" showIcon message={errorMessage(t, verified.error)} />}
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      {chat.error && <Alert type="error" showIcon message={errorMessage(t, chat.error)} />}
      {/* The upload waits for the signed-in user's name: it is the collector unless another is typed. */}
      {canEdit && !frozen && myName && <>
        <Typography.Paragraph type="secondary">{t("evidence.acquisition.intro")}</Typography.Paragraph>
        {/* Named, so its fields' ids (and so their labels) are not those of the case page's other forms. */}
        <GuardedForm form={acquisition} name="acquisition" layout="vertical" initialValues={{ zone: timeZone, by: myName }}>
          <AcquisitionFields form={acquisition} />
        </GuardedForm>
        <Upload.Dragger multiple showUploadList={false} customRequest={({ file }) => void upload(file as File)}>
          <p className="ant-upload-drag-icon"><InboxOutlined /></p>
          <p>{t("evidence.drop")}</p>
          <Typography.Text type="secondary">{t("evidence.dropHint", { max: 2048 })}</Typography.Text>
        </Upload.Dragger>
      </>}
      {Object.values(uploads).map((u) => (
        <div key={u.name} className="lt-top-sm" data-upload={u.name}>
          <Typography.Text>{u.sha256 ? t("evidence.stored", { name: u.name, hash: "" }) : t("evidence.uploading", { name: u.name })}</Typography.Text>
          <Progress aria-label={u.name} percent={u.percent} status={u.error ? "exception" : u.sha256 ? "success" : "active"} size="small" />
          {u.sha256 && <Typography.Text code copyable data-sha256>{u.sha256}</Typography.Text>}
          {u.error && <Typography.Text type="danger">{u.error}</Typography.Text>}
        </div>
      ))}
      <Table className="lt-top" rowKey="id" size="small" dataSource={items} pagination={false} scroll={{ x: true }}
        onRow={(e) => ({ id: `evidence-${e.id}` })}
        locale={{ emptyText: t("evidence.empty") }}
        expandable={{ expandedRowRender: (e) => <>
          {phone && <div className="lt-gap">{t("evidence.legalHold")} {holdSwitch(e.legalHold, e)}</div>}
          {e.acquisition.from && <Descriptions size="small" column={{ xs: 1, sm: 2 }} title={t("evidence.acquisition.title")} style={{ marginBottom: 16 }}
            items={[
              { key: "from", label: t("evidence.acquisition.from"), children: e.acquisition.from },
              { key: "at", label: t("evidence.acquisition.at"), children: e.acquisition.at ? inZone(e.acquisition.at, e.acquisition.timeZone) : "—" },
              { key: "how", label: t("evidence.acquisition.how"), children: e.acquisition.how || "—" },
              { key: "where", label: t("evidence.acquisition.where"), children: e.acquisition.where || "—" },
              { key: "by", label: t("evidence.acquisition.by"), children: e.acquisition.by || "—" },
            ]} />}
          <Timeline items={e.custody.map((c, i) => ({ key: i, children: <div data-custody={c.action}>
            <Typography.Text strong>{t(`evidence.action.${c.action}`)}</Typography.Text>{" "}
            <Typography.Text type="secondary">{inZone(c.at, c.timeZone, true)} · {c.actor?.displayName ?? c.actorName}</Typography.Text>
            {c.collectedFrom && <div>{t("evidence.collectedFrom", { from: c.collectedFrom })}</div>}
            <div>{purposeText(c.purpose)}{c.transferredTo && ` → ${c.transferredTo}`}</div>
            {c.sha256 && <Typography.Text code style={{ fontSize: 11 }}>{c.sha256}</Typography.Text>}
          </div> }))} />
        </> }}
        columns={[
          { title: t("evidence.file"), dataIndex: "fileName", render: (name: string, e) => <Space direction="vertical" size={0}>
            {thumbs?.[e.id] && <span data-thumbnail><Image width={96} src={thumbs[e.id]} alt={name} /></span>}
            <Typography.Text strong>{name}</Typography.Text>
            <Typography.Text type="secondary">{e.contentType} · {bytes(e.size)}</Typography.Text>
            {e.capturedAt && <Typography.Text type="secondary">{t("evidence.captured", { time: inZone(e.capturedAt, e.timeZone), device: e.device })}</Typography.Text>}
            {e.duplicateOf && <Tag>{t("evidence.duplicate")}</Tag>}
            {phone && <Typography.Text type="secondary">{inZone(e.uploadedAt, e.timeZone)} · {e.uploadedBy?.displayName}</Typography.Text>}
            {phone && <span><Tag color={e.fixity === "OK" ? "green" : e.fixity === "UNVERIFIED" ? "default" : "red"}>{t(`evidence.fixity.${e.fixity}`)}</Tag>
              {e.legalHold && <Tag color="blue">{t("evidence.legalHold")}</Tag>}</span>}
            {chat.byEvidence.get(e.id) && <ChatImportStatus imp={chat.byEvidence.get(e.id)!} />}
            {phone && <div className="lt-top-sm">{actions(e)}</div>}
          </Space> },
          { title: t("evidence.hash"), dataIndex: "sha256", responsive: ["sm"], render: (h: string, e) => <Space direction="vertical" size={0}>
            <Typography.Text code copyable={{ text: h }} style={{ fontSize: 11 }}>{h.slice(0, 16)}…</Typography.Text>
            <Tag color={e.fixity === "OK" ? "green" : e.fixity === "UNVERIFIED" ? "default" : "red"}>{t(`evidence.fixity.${e.fixity}`)}</Tag>
          </Space> },
          { title: t("evidence.uploaded"), dataIndex: "uploadedAt", responsive: ["sm"], render: (at: string, e) => <>{inZone(at, e.timeZone)}<br />{e.uploadedBy?.displayName}</> },
          { title: t("evidence.legalHold"), dataIndex: "legalHold", responsive: ["sm"], render: (on: boolean, e) => holdSwitch(on, e) },
          { key: "actions", responsive: ["sm"], render: (_, e) => actions(e) },
        ]} />
      <PurposeModal asking={asking} onClose={() => setAsking(null)} />
      {custodyOf && <CustodyModal evidenceId={custodyOf} onClose={() => setCustodyOf(undefined)} onDone={() => { setCustodyOf(undefined); refetch({ requestPolicy: "network-only" }); }} />}
      {readingOf && <ReadAsChat evidence={readingOf} caseZone={caseZone} onClose={() => setReadingOf(undefined)}
        onDone={() => { setReadingOf(undefined); chat.reload(); }} />}
      {pdf && <PdfPreview url={pdf.url} name={pdf.name} onClose={() => setPdf(undefined)} />}
      {preview && <Image style={{ display: "none" }} src={preview} preview={{ visible: true, onVisibleChange: (v) => !v && setPreview(undefined) }} />}
    </Card>
  );
}

function PurposeModal({ asking, onClose }: { asking: null | { title: string; run: (purpose: string) => Promise<void> }; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ purpose: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async (v: { purpose: string }) => {
    if (busy) return;
    setBusy(true);
    try { await asking?.run(v.purpose); } finally { setBusy(false); }
    onClose();
  };
  return (
    <Modal open={!!asking} title={asking?.title} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      <GuardedForm form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="purpose" label={t("evidence.purpose")} rules={[{ required: true, whitespace: true, message: t("evidence.purposeRequired") }]}>
          <Input autoFocus />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}

// CustodyModal records a hand-over of the item that happened outside
// Leaktrail: collected, sealed, transferred (to whom), released.
function CustodyModal({ evidenceId, onClose, onDone }: { evidenceId: string; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ action: (typeof handActions)[number]; purpose: string; transferredTo?: string }>();
  const [result, record] = useSubmit(Custody);
  const action = Form.useWatch("action", form);
  return (
    <Modal open title={t("evidence.recordCustody")} onCancel={onClose} onOk={() => form.submit()} confirmLoading={result.fetching} destroyOnHidden>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} style={{ marginBottom: 8 }} />}
      <GuardedForm form={form} layout="vertical" initialValues={{ action: "SEALED" }} onFinish={async (v) => {
        const r = await record({ id: evidenceId, input: { action: v.action, purpose: v.purpose, transferredTo: v.action === "TRANSFERRED" ? v.transferredTo : undefined, timeZone } });
        if (r?.data) { message.success(t("evidence.custodyRecorded")); onDone(); }
      }}>
        <Form.Item name="action" label={t("evidence.custodyAction")}>
          <Select virtual={false} options={handActions.map((a) => ({ value: a, label: t(`evidence.action.${a}`) }))} />
        </Form.Item>
        {action === "TRANSFERRED" && <Form.Item name="transferredTo" label={t("evidence.transferredTo")}
          rules={[{ required: true, whitespace: true, message: t("evidence.transferredToRequired") }]}><Input /></Form.Item>}
        <Form.Item name="purpose" label={t("evidence.purpose")} rules={[{ required: true, whitespace: true, message: t("evidence.purposeRequired") }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}
