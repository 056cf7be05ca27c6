import { Space, Tag, Tooltip, Typography } from "antd";
import dayjs from "dayjs";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { classificationLabel } from "../../components/classification";
import { clockLabel, countdown, span, useNow } from "../clocks/clockText";
import { wallTime } from "../evidence/zoneTime";
import { sections, type Section } from "./sections";

export interface ReportUpward { required: boolean; deadline?: string | null; notifiedAt?: string | null; met?: boolean | null }

// NextClock is the running clock that comes due first.
export interface NextClock { definition: { id: string }; status: string; dueAt?: string | null; startedAt?: string | null }

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
// where it stands, the countdown of the clock due first (the report-upward
// clock's state when none runs), and the sections of the page.
export function CaseHeader({ reference, title, classification, jurisdiction, stage, reportUpward, nextClock, zone, section, onSection, extra }: {
  reference: string; title: string; classification: string; jurisdiction: string; stage: string; reportUpward: ReportUpward;
  nextClock?: NextClock | null; zone: string; section: Section; onSection: (s: Section) => void; extra?: ReactNode;
}) {
  const { t } = useTranslation();
  // Every second while a clock runs: its last minutes count down visibly.
  const now = useNow(nextClock ? 1000 : 30_000);
  const next = nextClock && countdown(t, nextClock, now);
  const clock = next ?? clockState(t, reportUpward, now);
  const label = next && nextClock ? clockLabel(t, nextClock.definition.id) : t("incident.reportUpward");
  const due = next ? nextClock?.dueAt : reportUpward.required && !reportUpward.notifiedAt ? reportUpward.deadline : undefined;
  return (
    <header className="lt-case-header">
      <Typography.Text type="secondary">{reference}</Typography.Text>
      <Typography.Title level={3} className="lt-case-title" title={title}>{title}</Typography.Title>
      <Space wrap size={[6, 6]} className="lt-case-tags">
        <Tag color="red">{classificationLabel(t, classification, jurisdiction, true)}</Tag>
        <Tag color="blue">{t(`stage.${stage}`)}</Tag>
        <Tooltip title={due ? t("clock.dueAt", { time: `${wallTime(due, zone)}（${zone}）` }) : undefined}>
          <Tag color={clock.color} data-testid="report-clock">{t("clock.named", { clock: label, text: clock.text })}</Tag>
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
