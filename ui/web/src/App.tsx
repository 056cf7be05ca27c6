import { MenuOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, ConfigProvider, Drawer, Grid, Layout, Select, Space, Spin } from "antd";
import enUS from "antd/es/locale/en_US";
import zhCN from "antd/es/locale/zh_CN";
import zhTW from "antd/es/locale/zh_TW";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import "dayjs/locale/zh-tw";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Link, Route, Routes } from "react-router";
import { useMutation, useQuery } from "urql";
import { AdminPage } from "./features/admin/AdminPage";
import { graphql } from "./gql";
import { languages, rememberLanguage, type Language } from "./i18n";
import { theme } from "./theme";
import "./styles/app.css";
import { IncidentPage } from "./features/case/IncidentPage";
import { Incidents } from "./features/incidents/Incidents";
import { Leadership } from "./features/leadership/Leadership";
import { ChangePassword } from "./features/session/ChangePassword";
import { Login } from "./features/session/Login";
import { ReportLeak } from "./features/incidents/ReportLeak";
import { NoticeBell, NoticesPage } from "./features/notices/Notices";
import { NoticeSettingsPage } from "./features/notices/NoticeSettings";

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
    <Select aria-label={t("nav.language")} value={lang} onChange={changeLanguage} className="lt-language"
      options={languages.map((l) => ({ value: l, label: t(`lang.${l}`) }))} />
  );
  return (
    <ConfigProvider locale={antdLocales[lang]} theme={theme}>
      <BrowserRouter>
        {me.fetching && !me.data ? <Spin className="lt-centered" /> : !user ? (
          <Layout className="lt-shell">
            <div className="lt-login-language">{languageSwitch}</div>
            <Login onSignedIn={() => refetchMe({ requestPolicy: "network-only" })} />
          </Layout>
        ) : (
          <Layout className="lt-shell">
            <Header user={user} languageSwitch={languageSwitch} onReport={() => setReporting(true)}
              onSignOut={async () => { await logout({}); refetchMe({ requestPolicy: "network-only" }); }} />
            <Layout.Content className="lt-content">
              <Routes>
                <Route path="/" element={<Incidents />} />
                <Route path="/incidents/:reference" element={<IncidentPage />} />
                <Route path="/leadership" element={<Leadership />} />
                <Route path="/admin" element={<AdminPage me={user} />} />
                <Route path="/notifications" element={<NoticesPage />} />
                <Route path="/settings/notifications" element={<NoticeSettingsPage />} />
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

// Header keeps one row on every screen: on a phone the places to go, the
// language and signing out fold into a menu; "Report a leak" always shows.
function Header({ user, languageSwitch, onReport, onSignOut }: {
  user: { displayName: string; roles: string[] }; languageSwitch: ReactNode; onReport: () => void; onSignOut: () => void;
}) {
  const { t } = useTranslation();
  const phone = !Grid.useBreakpoint().md;
  const [menu, setMenu] = useState(false);
  const [changing, setChanging] = useState(false);
  const account = changing && <ChangePassword onClose={() => setChanging(false)} onChanged={onSignOut} />;
  const links = <>
    <Link to="/" onClick={() => setMenu(false)}>{t("nav.incidents")}</Link>
    {user.roles.includes("LEADERSHIP") && <Link to="/leadership" onClick={() => setMenu(false)}>{t("leadership.nav")}</Link>}
    {user.roles.includes("ADMIN") && <Link to="/admin" onClick={() => setMenu(false)}>{t("admin.nav")}</Link>}
  </>;
  const report = <Button type="primary" danger icon={<PlusOutlined />} onClick={onReport}>{t("nav.report")}</Button>;
  if (phone) return (
    <Layout.Header className="lt-header">
      <Link to="/" className="lt-brand">{t("app.name")}</Link>
      <span className="lt-spacer" />
      {report}
      <NoticeBell />
      <Button icon={<MenuOutlined />} aria-label={t("nav.menu")} onClick={() => setMenu(true)} />
      <Drawer open={menu} onClose={() => setMenu(false)} title={user.displayName} width={280} rootClassName="lt-menu">
        <nav className="lt-menu-links">{links}
          <Link to="/notifications" onClick={() => setMenu(false)}>{t("notices.title")}</Link>
          <Link to="/settings/notifications" onClick={() => setMenu(false)}>{t("notices.settings")}</Link>
        </nav>
        <Space direction="vertical">
          {languageSwitch}
          <Button onClick={() => { setMenu(false); setChanging(true); }}>{t("account.changePassword")}</Button>
          <Button onClick={onSignOut}>{t("nav.signOut")}</Button>
        </Space>
      </Drawer>
      {account}
    </Layout.Header>
  );
  return (
    <Layout.Header className="lt-header">
      <Link to="/" className="lt-brand">{t("app.name")}</Link>
      {links}
      <span className="lt-spacer" />
      <Space>
        {report}
        <NoticeBell />
        {languageSwitch}
        <Button type="text" className="lt-user" title={t("account.changePassword")} onClick={() => setChanging(true)}>{user.displayName}</Button>
        <Button onClick={onSignOut}>{t("nav.signOut")}</Button>
      </Space>
      {account}
    </Layout.Header>
  );
}
