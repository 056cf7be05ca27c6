import { PlusOutlined } from "@ant-design/icons";
import { Button, ConfigProvider, Layout, Select, Space, Spin, Typography } from "antd";
import enUS from "antd/es/locale/en_US";
import zhCN from "antd/es/locale/zh_CN";
import zhTW from "antd/es/locale/zh_TW";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import "dayjs/locale/zh-tw";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Link, Route, Routes } from "react-router";
import { useMutation, useQuery } from "urql";
import { AdminPage } from "./features/admin/AdminPage";
import { graphql } from "./gql";
import { languages, rememberLanguage, type Language } from "./i18n";
import { IncidentPage } from "./features/case/IncidentPage";
import { Incidents } from "./features/incidents/Incidents";
import { Leadership } from "./features/leadership/Leadership";
import { Login } from "./features/session/Login";
import { ReportLeak } from "./features/incidents/ReportLeak";

const MeQuery = graphql(`query Me { me { id username displayName roles locale } }`);
const SetLocale = graphql(`mutation SetLocale($locale: String!) { setMyLocale(locale: $locale) { id locale } }`);
const Logout = graphql(`mutation Logout { logout }`);

const antdLocales = { "zh-CN": zhCN, "zh-TW": zhTW, en: enUS };
const dayjsLocales = { "zh-CN": "zh-cn", "zh-TW": "zh-tw", en: "en" };

// App is the signed-in shell: "Report a leak" is one click away from every page.
export function App() {
  const { t, i18n } = useTranslation();
  const lang = (languages.includes(i18n.language as Language) ? i18n.language : "zh-CN") as Language;
  const [me, refetchMe] = useQuery({ query: MeQuery });
  const [, setLocale] = useMutation(SetLocale);
  const [, logout] = useMutation(Logout);
  const [reporting, setReporting] = useState(false);
  useEffect(() => { dayjs.locale(dayjsLocales[lang]); document.documentElement.lang = lang; }, [lang]);
  const user = me.data?.me;
  const changeLanguage = (l: Language) => {
    rememberLanguage(l);
    if (user) void setLocale({ locale: l });
  };
  const languageSwitch = (
    <Select aria-label={t("nav.language")} value={lang} onChange={changeLanguage} style={{ width: 120 }}
      options={languages.map((l) => ({ value: l, label: t(`lang.${l}`) }))} />
  );
  return (
    // Links, danger, secondary text and labels (antd's tertiary grey) and empty
    // lists darkened to meet WCAG AA contrast on white.
    <ConfigProvider locale={antdLocales[lang]} theme={{
      token: { colorPrimary: "#1f4e79", borderRadius: 4, colorLink: "#1f4e79", colorError: "#cf1322", colorTextTertiary: "rgba(0, 0, 0, 0.6)" },
      components: { List: { colorTextDisabled: "rgba(0, 0, 0, 0.6)" } },
    }}>
      <BrowserRouter>
        {me.fetching && !me.data ? <Spin style={{ margin: "20vh auto", display: "block" }} /> : !user ? (
          <Layout style={{ minHeight: "100vh" }}>
            <div style={{ position: "absolute", top: 16, right: 16 }}>{languageSwitch}</div>
            <Login onSignedIn={() => refetchMe({ requestPolicy: "network-only" })} />
          </Layout>
        ) : (
          <Layout style={{ minHeight: "100vh" }}>
            <Layout.Header style={{ display: "flex", alignItems: "center", gap: 16, padding: "0 16px", flexWrap: "wrap", height: "auto", minHeight: 64 }}>
              <Link to="/" style={{ color: "#fff", fontWeight: 600 }}>{t("app.name")}</Link>
              <Link to="/" style={{ color: "#d6e4f0" }}>{t("nav.incidents")}</Link>
              {user.roles.includes("LEADERSHIP") && <Link to="/leadership" style={{ color: "#d6e4f0" }}>{t("leadership.nav")}</Link>}
              {user.roles.includes("ADMIN") && <Link to="/admin" style={{ color: "#d6e4f0" }}>{t("admin.nav")}</Link>}
              <span style={{ flex: 1 }} />
              <Space wrap>
                <Button type="primary" danger icon={<PlusOutlined />} onClick={() => setReporting(true)}>{t("nav.report")}</Button>
                {languageSwitch}
                <Typography.Text style={{ color: "#fff" }}>{user.displayName}</Typography.Text>
                <Button onClick={async () => { await logout({}); refetchMe({ requestPolicy: "network-only" }); }}>{t("nav.signOut")}</Button>
              </Space>
            </Layout.Header>
            <Layout.Content style={{ padding: 16, maxWidth: 1200, width: "100%", margin: "0 auto" }}>
              <Routes>
                <Route path="/" element={<Incidents />} />
                <Route path="/incidents/:reference" element={<IncidentPage />} />
                <Route path="/leadership" element={<Leadership />} />
                <Route path="/admin" element={<AdminPage me={user} />} />
                <Route path="*" element={<Incidents />} />
              </Routes>
            </Layout.Content>
            <ReportLeak open={reporting} onClose={() => setReporting(false)} />
          </Layout>
        )}
      </BrowserRouter>
    </ConfigProvider>
  );
}
