import { BellOutlined } from "@ant-design/icons";
import { Alert, Badge, Button, Grid, List, Popover, Space, Typography } from "antd";
import dayjs from "dayjs";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { useMutation, useQuery, useSubscription } from "urql";
import { errorMessage } from "../../api";
import { graphql } from "../../gql";
import type { NoticesQuery } from "../../gql/graphql";
import { noticeText } from "./noticeText";

const Notices = graphql(`
  query Notices($first: Int, $after: String) {
    notices(first: $first, after: $after) {
      unread hasNextPage endCursor
      edges { id kind reference at readAt data { key value } incident { id } }
    }
  }
`);
const MarkRead = graphql(`mutation MarkNoticesRead($ids: [ID!]) { markNoticesRead(ids: $ids) }`);
const Changed = graphql(`subscription NoticesChanged { noticesChanged }`);

type Notice = NoticesQuery["notices"]["edges"][number];

// useNotices is the signed-in user's newest notifications and unread count,
// reloaded whenever the server says the count changed (a notification
// arrived, or was read on another screen).
function useNotices(first: number) {
  const [after, setAfter] = useState<string>();
  const [{ data, error, fetching }, refetch] = useQuery({ query: Notices, variables: { first, after }, requestPolicy: "cache-and-network" });
  const [live] = useSubscription({ query: Changed }, (n: number = 0) => n + 1);
  useEffect(() => { if (live.data) refetch({ requestPolicy: "network-only" }); }, [live.data, refetch]);
  const [, markRead] = useMutation(MarkRead);
  const mark = async (ids?: string[]) => {
    await markRead({ ids });
    refetch({ requestPolicy: "network-only" });
  };
  return { data: data?.notices, error, fetching, mark, reload: () => refetch({ requestPolicy: "network-only" }), setAfter, after };
}

// NoticeList shows notifications, newest first: each one's line linking to
// its case (a case the reader may no longer see keeps its reference, unlinked),
// when it came, and marking one or all read.
function NoticeList({ notices, mark, onOpen }: {
  notices?: NoticesQuery["notices"]; mark: (ids?: string[]) => void; onOpen?: () => void;
}) {
  const { t } = useTranslation();
  const item = (n: Notice) => {
    const text = noticeText(t, n);
    return (
      <List.Item data-notice={n.kind} className={n.readAt ? undefined : "lt-unread"}
        actions={n.readAt ? [] : [<Button key="read" size="small" type="link" onClick={() => mark([n.id])}>{t("notices.markRead")}</Button>]}>
        <Space direction="vertical" size={0}>
          {n.incident ? <Link to={`/incidents/${encodeURIComponent(n.reference)}`} onClick={() => { if (!n.readAt) mark([n.id]); onOpen?.(); }}>{text}</Link>
            : <Typography.Text>{text}</Typography.Text>}
          <Typography.Text type="secondary" className="lt-small">{dayjs(n.at).format("YYYY-MM-DD HH:mm")}
            {!n.incident && ` · ${t("notices.noAccess")}`}</Typography.Text>
        </Space>
      </List.Item>
    );
  };
  return (
    <List size="small" className="lt-notices" dataSource={notices?.edges ?? []} loading={!notices}
      locale={{ emptyText: t("notices.empty") }} renderItem={item} />
  );
}

// NoticeBell is the header's bell: the unread count, live, and on a wide
// screen the newest notifications under it; on a phone it opens the page.
export function NoticeBell() {
  const { t } = useTranslation();
  const phone = !Grid.useBreakpoint().md;
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const { data, error, mark } = useNotices(10);
  const unread = data?.unread ?? 0;
  const bell = (
    <Badge count={unread} size="small" overflowCount={99}>
      <Button icon={<BellOutlined />} aria-label={t("notices.bell", { count: unread })} data-testid="notice-bell"
        onClick={phone ? () => navigate("/notifications") : undefined} />
    </Badge>
  );
  if (phone) return bell;
  return (
    <Popover open={open} onOpenChange={setOpen} trigger="click" placement="bottomRight" arrow={false}
      title={<Space className="lt-notices-head">
        <span>{t("notices.title")}</span>
        <Space size="small">
          {unread > 0 && <Button size="small" onClick={() => mark()}>{t("notices.markAllRead")}</Button>}
          <Link to="/notifications" onClick={() => setOpen(false)}>{t("notices.all")}</Link>
          <Link to="/settings/notifications" onClick={() => setOpen(false)}>{t("notices.settings")}</Link>
        </Space>
      </Space>}
      content={<div className="lt-notices-pop">
        {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
        <NoticeList notices={data} mark={mark} onOpen={() => setOpen(false)} />
      </div>}>
      {bell}
    </Popover>
  );
}

// NoticesPage is every notification, a page at a time: the bell's list on a phone.
export function NoticesPage() {
  const { t } = useTranslation();
  const { data, error, mark, setAfter, after } = useNotices(30);
  const [pages, setPages] = useState<string[]>([]);
  return (
    <Space direction="vertical" className="lt-full">
      <Typography.Title level={3}>{t("notices.title")}</Typography.Title>
      <Space wrap>
        <Button disabled={!data?.unread} onClick={() => mark()}>{t("notices.markAllRead")}</Button>
        <Link to="/settings/notifications">{t("notices.settings")}</Link>
      </Space>
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      <NoticeList notices={data} mark={mark} />
      <Space wrap>
        {after !== undefined && <Button size="small" onClick={() => { setAfter(pages[pages.length - 2]); setPages((p) => p.slice(0, -1)); }}>
          {t("incidents.previous")}</Button>}
        {data?.hasNextPage && data.endCursor && <Button size="small" onClick={() => { setAfter(data.endCursor ?? undefined); setPages((p) => [...p, data.endCursor ?? ""]); }}>
          {t("incidents.next")}</Button>}
      </Space>
    </Space>
  );
}
