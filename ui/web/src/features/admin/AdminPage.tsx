import { Alert, Button, Card, Descriptions, Form, Input, Modal, Popconfirm, Select, Space, Tag, Typography, message } from "antd";
import dayjs from "dayjs";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { errorMessage } from "../../api";
import { GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { Role } from "../../gql/graphql";
import { roles } from "../../vocabulary";
import { Webhooks } from "./Webhooks";
import { ResponsiveTable } from "../../components/ResponsiveTable";

const AdminQuery = graphql(`
  query Admin {
    users { id username displayName roles locale disabled }
    apiTokens { id name createdAt expiresAt revokedAt lastUsedAt }
  }
`);
const AuditVerifyQuery = graphql(`query AuditVerify { auditVerify { ok checked firstBrokenSeq reason headHash } }`);
const CreateUser = graphql(`
  mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { id username displayName roles locale disabled } }
`);
const SetUserRoles = graphql(`mutation SetUserRoles($id: ID!, $roles: [Role!]!) { setUserRoles(id: $id, roles: $roles) { id roles } }`);
const SetUserDisabled = graphql(`mutation SetUserDisabled($id: ID!, $disabled: Boolean!) { setUserDisabled(id: $id, disabled: $disabled) { id disabled } }`);
const ResetUserPassword = graphql(`mutation ResetUserPassword($id: ID!, $password: String!) { resetUserPassword(id: $id, password: $password) { id } }`);
const RevokeApiToken = graphql(`mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }`);

const minPassword = 10;

type User = { id: string; username: string; displayName: string; roles: Role[]; locale: string; disabled: boolean };

// AdminPage is user administration (create, roles, disable, password reset),
// the administrator's own API tokens, webhook endpoints and the roles'
// default notifications, and the audit chain's state. The server
// enforces every rule; the page only spares non-admins a screen of errors.
export function AdminPage({ me }: { me: { id: string; roles: Role[] } }) {
  const { t } = useTranslation();
  if (!me.roles.includes("ADMIN")) {
    return <Alert type="warning" showIcon message={t("admin.forbidden")} />;
  }
  return (
    <Space direction="vertical" size="large" className="lt-full">
      <Typography.Title level={3}>{t("admin.title")}</Typography.Title>
      <Admin meId={me.id} />
    </Space>
  );
}

function Admin({ meId }: { meId: string }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({ query: AdminQuery, requestPolicy: "cache-and-network" });
  const [creating, setCreating] = useState(false);
  const [editingRoles, setEditingRoles] = useState<User>();
  const [resetting, setResetting] = useState<User>();
  const [disabling, runDisabled] = useSubmit(SetUserDisabled);
  const [revoking, runRevoke] = useSubmit(RevokeApiToken);
  const reload = () => refetch({ requestPolicy: "network-only" });
  const report = (err: Parameters<typeof errorMessage>[1], ok: string) => {
    if (err) message.error(errorMessage(t, err));
    else message.success(ok);
  };
  const time = (s?: string | null) => (s ? dayjs(s).format("YYYY-MM-DD HH:mm") : t("admin.never"));
  const roleName = (r: Role) => t(`admin.role.${r}`);
  return (
    <>
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} action={<Button onClick={reload}>{t("common.retry")}</Button>} />}
      <Card title={t("admin.users")} extra={<Button type="primary" onClick={() => setCreating(true)}>{t("admin.create")}</Button>}>
        <ResponsiveTable<User> rowKey="id" size="small" pagination={false} scroll={{ x: 720 }} loading={fetching && !data}
          dataSource={data?.users ?? []} columns={[
            { title: t("field.username"), dataIndex: "username" },
            { title: t("field.displayName"), dataIndex: "displayName" },
            { title: t("admin.roles"), render: (_, u) => <Space size={[0, 4]} wrap>{u.roles.map((r) => <Tag key={r}>{roleName(r)}</Tag>)}</Space> },
            { title: t("field.status"), render: (_, u) => u.disabled ? <Tag color="red">{t("admin.disabled")}</Tag> : <Tag color="green">{t("admin.active")}</Tag> },
            { title: t("admin.actions"), render: (_, u) => u.id === meId ? <Typography.Text type="secondary">{t("admin.you")}</Typography.Text> : (
              <Space size="small" wrap>
                <Button size="small" onClick={() => setEditingRoles(u)}>{t("admin.editRoles")}</Button>
                <Button size="small" onClick={() => setResetting(u)}>{t("admin.resetPassword")}</Button>
                <Popconfirm title={t(u.disabled ? "admin.enableConfirm" : "admin.disableConfirm", { name: u.displayName })}
                  onConfirm={async () => {
                    const r = await runDisabled({ id: u.id, disabled: !u.disabled });
                    if (r) report(r.error, t(u.disabled ? "admin.enabled" : "admin.disabledDone", { name: u.displayName }));
                  }}>
                  <Button size="small" danger={!u.disabled} loading={disabling.fetching}>{t(u.disabled ? "admin.enable" : "admin.disable")}</Button>
                </Popconfirm>
              </Space>
            ) },
          ]} />
      </Card>
      <Card title={t("admin.tokens")}>
        <Typography.Paragraph type="secondary">{t("admin.tokensHint")}</Typography.Paragraph>
        <ResponsiveTable rowKey="id" size="small" pagination={false} scroll={{ x: 640 }} dataSource={data?.apiTokens ?? []}
          locale={{ emptyText: t("admin.noTokens") }} columns={[
            { title: t("field.name"), dataIndex: "name" },
            { title: t("admin.created"), render: (_, k) => time(k.createdAt) },
            { title: t("admin.expires"), render: (_, k) => time(k.expiresAt) },
            { title: t("admin.lastUsed"), render: (_, k) => time(k.lastUsedAt) },
            { title: t("admin.actions"), render: (_, k) => k.revokedAt ? <Tag>{t("admin.revoked")}</Tag> : (
              <Popconfirm title={t("admin.revokeConfirm", { name: k.name })} onConfirm={async () => {
                const r = await runRevoke({ id: k.id });
                if (r) report(r.error, t("admin.revokedDone"));
              }}>
                <Button size="small" danger loading={revoking.fetching}>{t("admin.revoke")}</Button>
              </Popconfirm>
            ) },
          ]} />
      </Card>
      <Webhooks users={data?.users ?? []} />
      <AuditChain />
      <CreateUserModal open={creating} onClose={() => setCreating(false)} onCreated={reload} />
      {editingRoles && <RolesModal user={editingRoles} onClose={() => setEditingRoles(undefined)} />}
      {resetting && <ResetPasswordModal user={resetting} onClose={() => setResetting(undefined)} />}
    </>
  );
}

// AuditChain checks the whole chain on request: it reads every entry, so it is not run on each visit.
function AuditChain() {
  const { t } = useTranslation();
  const [{ data, error, fetching }, verify] = useQuery({ query: AuditVerifyQuery, pause: true, requestPolicy: "network-only" });
  const v = data?.auditVerify;
  return (
    <Card title={t("admin.audit")} extra={<Button loading={fetching} onClick={() => verify()}>{t("admin.verify")}</Button>}>
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      {!v && !error && <Typography.Text type="secondary">{t("admin.auditHint")}</Typography.Text>}
      {v && (
        <Space direction="vertical" className="lt-full">
          <Alert type={v.ok ? "success" : "error"} showIcon message={v.ok
            ? t("admin.auditOk", { count: v.checked })
            : t("admin.auditBroken", { seq: v.firstBrokenSeq, reason: v.reason ?? "" })} />
          {v.headHash && (
            <Descriptions size="small" column={1} items={[{ key: "head", label: t("admin.headHash"),
              children: <Typography.Text code copyable className="lt-break">{v.headHash}</Typography.Text> }]} />
          )}
          {v.headHash && <Typography.Text type="secondary">{t("admin.headHint")}</Typography.Text>}
        </Space>
      )}
    </Card>
  );
}

const passwordRules = (t: TFunction) => [
  { required: true, message: t("admin.passwordRule", { min: minPassword }) },
  { min: minPassword, max: 256, message: t("admin.passwordRule", { min: minPassword }) },
];

type NewUser = { username: string; displayName?: string; password: string; roles: Role[]; locale: string };

function CreateUserModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<NewUser>();
  const [state, create] = useSubmit(CreateUser);
  const submit = async (v: NewUser) => {
    const r = await create({ input: { ...v, displayName: v.displayName || undefined } });
    if (!r) return;
    if (r.error) return void message.error(errorMessage(t, r.error));
    message.success(t("admin.createdUser", { name: r.data?.createUser.displayName }));
    form.resetFields();
    onCreated();
    onClose();
  };
  return (
    <Modal open={open} title={t("admin.create")} onCancel={onClose} okText={t("admin.create")}
      okButtonProps={{ loading: state.fetching }} onOk={() => form.submit()} destroyOnHidden>
      <GuardedForm<NewUser> form={form} layout="vertical" onFinish={submit} initialValues={{ roles: ["RESPONDER"], locale: "zh-CN" }}>
        <Form.Item name="username" label={t("field.username")} extra={t("admin.usernameRule")}
          rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9._-]{1,63}$/, message: t("admin.usernameRule") }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="displayName" label={t("field.displayName")}><Input maxLength={100} /></Form.Item>
        <Form.Item name="password" label={t("admin.initialPassword")} rules={passwordRules(t)}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="roles" label={t("admin.roles")} rules={[{ required: true, message: t("admin.rolesRule") }]}>
          <Select mode="multiple" aria-label={t("admin.roles")} options={roles.map((r) => ({ value: r, label: t(`admin.role.${r}`) }))} />
        </Form.Item>
        <Form.Item name="locale" label={t("field.locale")}>
          <Select aria-label={t("field.locale")} options={["zh-CN", "zh-TW", "en"].map((l) => ({ value: l, label: t(`lang.${l}`) }))} />
        </Form.Item>
        <button type="submit" hidden />
      </GuardedForm>
    </Modal>
  );
}

function RolesModal({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ roles: Role[] }>();
  const [state, save] = useSubmit(SetUserRoles);
  const submit = async (v: { roles: Role[] }) => {
    const r = await save({ id: user.id, roles: v.roles });
    if (!r) return;
    if (r.error) return void message.error(errorMessage(t, r.error));
    message.success(t("admin.rolesSaved", { name: user.displayName }));
    onClose();
  };
  return (
    <Modal open title={t("admin.rolesOf", { name: user.displayName })} onCancel={onClose} okText={t("common.save")}
      okButtonProps={{ loading: state.fetching }} onOk={() => form.submit()}>
      <GuardedForm form={form} layout="vertical" onFinish={submit} initialValues={{ roles: user.roles }}>
        <Form.Item name="roles" label={t("admin.roles")} rules={[{ required: true, message: t("admin.rolesRule") }]}>
          <Select mode="multiple" aria-label={t("admin.roles")} options={roles.map((r) => ({ value: r, label: t(`admin.role.${r}`) }))} />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ password: string }>();
  const [state, reset] = useSubmit(ResetUserPassword);
  const submit = async (v: { password: string }) => {
    const r = await reset({ id: user.id, password: v.password });
    if (!r) return;
    if (r.error) return void message.error(errorMessage(t, r.error));
    message.success(t("admin.passwordReset", { name: user.displayName }));
    onClose();
  };
  return (
    <Modal open title={t("admin.resetPasswordOf", { name: user.displayName })} onCancel={onClose} okText={t("admin.resetPassword")}
      okButtonProps={{ loading: state.fetching, danger: true }} onOk={() => form.submit()}>
      <Alert type="warning" showIcon message={t("admin.resetWarning")} className="lt-gap-lg" />
      <GuardedForm form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="password" label={t("admin.newPassword")} rules={passwordRules(t)}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <button type="submit" hidden />
      </GuardedForm>
    </Modal>
  );
}
