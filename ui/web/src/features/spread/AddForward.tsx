import { Alert, Button, Card, Col, Form, Row, Select, Space, Typography, message } from "antd";
import dayjs from "dayjs";
import { memo, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api";
import { DateTimeField, GuardedForm, notInFuture, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { Exposure, ForwardMethod, NodeKind, NodeRefInput } from "../../gql/graphql";
import { freshKey, matching, type Pick, type PickableNode } from "./nodeKeys";
import { exposures, forwardMethods as methods, nodeKinds, publicNodeKinds } from "../../vocabulary";

const Record = graphql(`
  mutation RecordForward($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id } }
`);

const venueKinds = nodeKinds.filter((k) => k !== "PERSON");

type Side = "from" | "to" | "by";
const sides: Side[] = ["from", "to", "by"];

interface Values {
  from?: Pick; to?: Pick; by?: Pick;
  fromKind: string; toKind: string; fromExposure: Exposure; toExposure: Exposure; byExposure: Exposure;
  method: string; at: dayjs.Dayjs;
}

const newPrefix = "\u0000new:";
const noNodes: PickableNode[] = [];

// NodePicker chooses the person or venue of one end of a forward: a node
// recorded before (by name or key), a node being created in another field of
// the form, or explicitly a new one under a fresh key, shown before it is used.
function NodePicker({ id, value, onChange, nodes, pending, peopleOnly }: {
  id?: string; value?: Pick; onChange?: (p?: Pick) => void; nodes: PickableNode[]; pending: Pick[]; peopleOnly: boolean;
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const allowed = (n: PickableNode) => !peopleOnly || n.kind === "PERSON";
  const taken = useMemo(() => new Set([...nodes, ...pending].map((n) => n.key)), [nodes, pending]);
  const name = query.trim();
  const fresh = (person: boolean): Pick => ({ key: freshKey(person, name, taken), name, kind: person ? "PERSON" : "", isNew: true });
  const created = name === "" ? [] : peopleOnly ? [fresh(true)] : [fresh(true), fresh(false)];
  const known = matching([...nodes, ...pending.filter((p) => !nodes.some((n) => n.key === p.key))].filter(allowed), query);
  const labelOf = (p: PickableNode & { isNew?: boolean }) => p.isNew
    ? t("spread.pick.pending", { name: p.name, key: p.key })
    : t("spread.pick.existing", { name: p.name, key: p.key, kind: t(`spread.kind.${p.kind}`) });
  const options = [
    ...known.map((n) => ({ value: n.key, label: labelOf(n), title: labelOf(n) })),
    ...created.map((p) => {
      const label = t(p.kind === "PERSON" ? "spread.pick.newPerson" : "spread.pick.newVenue", { name: p.name, key: p.key });
      return { value: newPrefix + p.kind, label, title: label };
    }),
  ];
  // The choice stays shown when the list no longer holds it (a new node, a cleared search).
  if (value && !options.some((o) => o.value === value.key)) {
    const label = value.isNew ? t(value.kind === "PERSON" ? "spread.pick.newPerson" : "spread.pick.newVenue", { name: value.name, key: value.key }) : labelOf(value);
    options.unshift({ value: value.key, label, title: label });
  }
  const choose = (v: string) => {
    if (v.startsWith(newPrefix)) onChange?.(created.find((p) => newPrefix + p.kind === v));
    else onChange?.([...nodes, ...pending].map((n) => ({ isNew: false, ...n })).find((n) => n.key === v));
    setQuery("");
  };
  return (
    <Select id={id} showSearch virtual={false} filterOption={false} value={value?.key} searchValue={query} onSearch={setQuery}
      onChange={choose} options={options} placeholder={t(peopleOnly ? "spread.pick.searchPerson" : "spread.pick.search")}
      notFoundContent={t("spread.pick.typeName")} />
  );
}

// AddForward records one forward by hand, each end and the forwarder picked
// by key (see NodePicker).
// Memoised: the explorer around it re-renders on every selection, and its
// pickers hold every node of a large chain.
export const AddForward = memo(function AddForward({ incidentId, nodes = noNodes, onDone }: { incidentId: string; nodes?: PickableNode[]; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [result, record] = useSubmit(Record);
  // One forward key per forward being entered, kept until it is recorded, so a
  // retry after a failure sends the same request.
  const forwardKey = useRef<string>(undefined);
  const picks = { from: Form.useWatch("from", form), to: Form.useWatch("to", form), by: Form.useWatch("by", form) };
  // New nodes chosen in the other fields: offered here too (the sender is often
  // the new person just entered as the source), and their keys are taken.
  const pendingBut = (side: Side) => sides.filter((s) => s !== side).map((s) => picks[s]).filter((p): p is Pick => !!p?.isNew)
    .filter((p, i, all) => all.findIndex((q) => q.key === p.key) === i);
  // A new node chosen in two fields is described (kind, exposure) in the first.
  const owner = (key: string) => sides.find((s) => picks[s]?.isNew && picks[s].key === key);
  const ref = (v: Values, side: Side): NodeRefInput => {
    const p = v[side] as Pick;
    if (!p.isNew) return { key: p.key, kind: p.kind as NodeKind };
    const first = owner(p.key) ?? side;
    const kind = { from: v.fromKind, to: v.toKind, by: "PERSON" }[first];
    const exposure = { from: v.fromExposure, to: v.toExposure, by: v.byExposure }[first];
    return { key: p.key, kind: (p.kind === "PERSON" ? "PERSON" : kind) as NodeKind, name: p.name, exposure };
  };
  const submit = async (v: Values) => {
    if (!v.from || !v.to || !v.by) return;
    forwardKey.current ??= `ui-${Date.now()}`;
    const r = await record({ id: incidentId, f: [{ key: forwardKey.current, at: v.at.format(), method: v.method as ForwardMethod,
      from: ref(v, "from"), to: ref(v, "to"), by: ref(v, "by") }] });
    if (r?.data) {
      forwardKey.current = undefined;
      message.success(t("spread.recorded"));
      // The time and method stay: the next forward of a chain is often made the same way, soon after.
      form.resetFields(sides.flatMap((s) => [s, `${s}Kind`, `${s}Exposure`]) as (keyof Values)[]);
      onDone();
    }
  };
  const venueKindOptions = venueKinds.map((k) => ({ value: k, label: t(`spread.kind.${k}`) }));
  const exposureOptions = (person: boolean) => exposures.filter((x) => !person || x !== "PUBLIC").map((x) => ({ value: x, label: t(`spread.exposures.${x}`) }));
  // What a new node needs besides its name: a venue its kind and exposure, a
  // person whether they are inside the organisation.
  const details = (side: Side) => {
    const p = picks[side];
    if (!p?.isNew || owner(p.key) !== side) return null;
    const person = p.kind === "PERSON";
    return (
      <Space.Compact block>
        {!person && <Form.Item name={`${side}Kind`} label={t("spread.pick.kind")} style={{ flex: 1 }}><Select virtual={false} options={venueKindOptions} /></Form.Item>}
        <Form.Item name={`${side}Exposure`} label={t(person ? "spread.pick.personExposure" : "spread.exposureOf")} style={{ flex: 1 }}>
          <Select virtual={false} options={exposureOptions(person)} /></Form.Item>
      </Space.Compact>
    );
  };
  // A website or a public account is public unless the investigator says otherwise.
  const publicByKind = (changed: Record<string, unknown>) => {
    for (const side of ["from", "to"] as const) {
      const kind = changed[`${side}Kind`];
      if ((publicNodeKinds as readonly unknown[]).includes(kind)) form.setFieldValue(`${side}Exposure`, "PUBLIC");
    }
  };
  const picker = (side: Side) => (
    <>
      <Form.Item name={side} label={t(`spread.${side}`)} rules={[{ required: true }]} style={{ marginBottom: 8 }}>
        <NodePicker nodes={nodes} pending={pendingBut(side)} peopleOnly={side === "by"} />
      </Form.Item>
      {picks[side] && <Typography.Text style={{ display: "block", marginBottom: 8 }} data-testid={`${side}-key`}>
        {t(picks[side].isNew ? "spread.pick.willCreate" : "spread.pick.willUse", { key: picks[side].key })}</Typography.Text>}
      {details(side)}
    </>
  );
  return (
    <Card id="add-forward" size="small" title={t("spread.add")} className="lt-top" data-testid="spread-form">
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} />}
      <GuardedForm form={form} layout="vertical" size="small" onFinish={submit} onValuesChange={publicByKind} initialValues={{ fromKind: "GROUP_CHAT", toKind: "GROUP_CHAT",
        fromExposure: "INTERNAL", toExposure: "INTERNAL", byExposure: "INTERNAL", method: "FORWARD", at: dayjs() }}>
        {picker("from")}
        {picker("to")}
        {picker("by")}
        <Row gutter={8}>
          <Col xs={24} sm={9}><Form.Item name="method" label={t("spread.method")}>
            <Select options={methods.map((m) => ({ value: m, label: t(`spread.methods.${m}`) }))} /></Form.Item></Col>
          <Col xs={24} sm={15}><Form.Item name="at" label={t("spread.at")} rules={[{ required: true }, notInFuture(t)]}>
            <DateTimeField className="lt-full" /></Form.Item></Col>
        </Row>
        <Button htmlType="submit" type="primary" block loading={result.fetching}>{t("spread.record")}</Button>
      </GuardedForm>
    </Card>
  );
});
