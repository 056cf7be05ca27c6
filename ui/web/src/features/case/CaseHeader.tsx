import { Space, Tag, Tooltip, Typography } from "antd";
import dayjs from "dayjs";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { classificationLabel } from "../../components/classification";
import { sections, type Section } from "./sections";

export interface ReportUpward { required: boolean; deadline?: string | null; notifiedAt?: string | null; met?: boolean | null }

// useNow is the current time, renewed every `every` ms, for clocks that count down.
export function useNow(every = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), every);
    return () => window.clearInterval(id);
  }, [every]);
  return now;
}

// span words a duration in hours and minutes ("5 小时 12 分"); days when it is longer.
export function span(t: TFunction, ms: number): string {
  const minutes = Math.max(0, Math.floor(Math.abs(ms) / 60_000));
  const days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), rest = minutes % 60;
  if (days > 0) return t("clock.daysHours", { days, hours });
  if (hours > 0) return t("clock.hoursMinutes", { hours, minutes: rest });
  return t("clock.minutes", { minutes: rest });
}

// clockState is the report-upward clock at `now`: how it reads and its colour.
export function clockState(t: TFunction, ru: ReportUpward, now: number): { text: string; color: string } {
  const time = (s: string) => dayjs(s).format("YYYY-MM-DD HH:mm");
  if (!ru.required) return { text: t("incident.notRequired"), color: "default" };
  if (ru.notifiedAt) return { text: t("incident.met", { time: time(ru.notifiedAt) }), color: ru.met ? "green" : "orange" };
  const left = Date.parse(ru.deadline ?? "") - now;
  if (Number.isNaN(left)) return { text: t("incident.notRequired"), color: "default" };
  if (left <= 0) return { text: t("clock.overdue", { span: span(t, left) }), color: "red" };
  // The last quarter of the usual 24 hours is when people must drop everything else.
  return { text: t("clock.left", { span: span(t, left) }), color: left < 6 * 3600_000 ? "volcano" : "gold" };
}

// CaseHeader stays at the top while the case scrolls: which case, how secret,
// where it stands, the report-upward countdown, and the sections of the page.
export function CaseHeader({ reference, title, classification, jurisdiction, stage, reportUpward, section, onSection, extra }: {
  reference: string; title: string; classification: string; jurisdiction: string; stage: string; reportUpward: ReportUpward;
  section: Section; onSection: (s: Section) => void; extra?: ReactNode;
}) {
  const { t } = useTranslation();
  const now = useNow();
  const clock = clockState(t, reportUpward, now);
  return (
    <header className="lt-case-header">
      <Typography.Text type="secondary">{reference}</Typography.Text>
      <Typography.Title level={3} className="lt-case-title" title={title}>{title}</Typography.Title>
      <Space wrap size={[6, 6]} className="lt-case-tags">
        <Tag color="red">{classificationLabel(t, classification, jurisdiction, true)}</Tag>
        <Tag color="blue">{t(`stage.${stage}`)}</Tag>
        <Tooltip title={reportUpward.required && !reportUpward.notifiedAt ? t("incident.deadline", { time: dayjs(reportUpward.deadline).format("YYYY-MM-DD HH:mm") }) : undefined}>
          <Tag color={clock.color} data-testid="report-clock">{t("incident.reportUpward")}: {clock.text}</Tag>
        </Tooltip>
        {extra}
      </Space>
      <nav className="lt-sections" role="tablist" aria-label={t("case.sections")}>
        {sections.map((s) => (
          <button key={s} type="button" role="tab" id={`tab-${s}`} aria-selected={s === section} aria-controls={`panel-${s}`}
            data-section-tab={s} onClick={() => onSection(s)}>{t(`case.section.${s}`)}</button>
        ))}
      </nav>
    </header>
  );
}
