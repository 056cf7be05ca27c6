import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { errorCode, errorMessage } from "../../api";
import { GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import { languages, rememberLanguage, type Language } from "../../i18n";

const LoginMutation = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) { user { id username displayName roles locale } }
  }
`);

// Login signs in, then speaks the user's own language.
export function Login({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation();
  const [result, login] = useSubmit(LoginMutation);
  const submit = async (v: { username: string; password: string }) => {
    const r = await login(v);
    const locale = r?.data?.login.user.locale as Language | undefined;
    if (locale && languages.includes(locale)) rememberLanguage(locale);
    if (r?.data) onSignedIn();
  };
  return (
    <div className="lt-login">
      <Card className="lt-login-card">
        <Typography.Title level={3}>{t("app.name")}</Typography.Title>
        <Typography.Paragraph type="secondary">{t("app.tagline")}</Typography.Paragraph>
        {result.error && <Alert type="error" showIcon className="lt-gap-lg"
          message={errorCode(result.error) === "UNAUTHENTICATED" ? t("login.wrong") : errorMessage(t, result.error)} />}
        <GuardedForm layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="username" label={t("login.username")} rules={[{ required: true, message: t("login.required") }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t("login.password")} rules={[{ required: true, message: t("login.required") }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={result.fetching}>{t("login.submit")}</Button>
        </GuardedForm>
      </Card>
    </div>
  );
}
