import { Alert, Form, Input, Modal, message } from "antd";
import type { CombinedError } from "urql";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api";
import { GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";

const Change = graphql(`mutation ChangeMyPassword($current: String!, $password: String!) {
  changeMyPassword(currentPassword: $current, password: $password) }`);

interface Values { current: string; password: string; repeat: string }

// wrongCurrent reports whether the server refused the current password.
function wrongCurrent(error?: CombinedError): boolean {
  const ext = error?.graphQLErrors[0]?.extensions;
  return ext?.code === "INVALID_INPUT" && ext?.field === "currentPassword";
}

// ChangePassword is the signed-in user's own password change. The server
// ends every session of theirs, this one too, so they sign in again after it.
export function ChangePassword({ onClose, onChanged }: { onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [result, change] = useSubmit(Change);
  const save = async (v: Values) => {
    const r = await change({ current: v.current, password: v.password });
    if (r?.data?.changeMyPassword) {
      message.success(t("account.changed"));
      onClose();
      onChanged();
    }
  };
  return (
    <Modal open title={t("account.changePassword")} onCancel={onClose} onOk={() => form.submit()} okText={t("edit.save")}
      confirmLoading={result.fetching} destroyOnHidden>
      {result.error && <Alert type="error" showIcon className="lt-gap"
        message={wrongCurrent(result.error) ? t("account.wrongCurrent") : errorMessage(t, result.error)} />}
      <GuardedForm form={form} layout="vertical" onFinish={save}>
        <Form.Item name="current" label={t("account.current")} rules={[{ required: true, message: t("login.required") }]}>
          <Input.Password autoComplete="current-password" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={t("account.new")} extra={t("account.rules")}
          rules={[{ required: true, message: t("login.required") }, { min: 10, message: t("account.rules") }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="repeat" label={t("account.repeat")} dependencies={["password"]} rules={[{ required: true, message: t("login.required") },
          ({ getFieldValue }) => ({ validator: (_, v) => (!v || v === getFieldValue("password") ? Promise.resolve() : Promise.reject(new Error(t("account.mismatch")))) })]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}
