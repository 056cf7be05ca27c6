import { CheckCircleTwoTone, ExclamationCircleTwoTone } from "@ant-design/icons";
import { Button, List, Typography } from "antd";
import { useTranslation } from "react-i18next";

export interface Requirement {
  id: string;
  description: string;
  met: boolean;
  task?: { id: string; done: boolean; title?: string } | null;
}

// GateChecklist lists what the current stage's gate asks, unmet items first,
// worded as things to do and each taking the person to the form that meets
// it (onGo); met items are worded as done. Without onGo (a reader who may not
// change the case) unmet items are plain text.
export function GateChecklist({ requirements, onGo }: { requirements: Requirement[]; onGo?: (r: Requirement) => void }) {
  const { t } = useTranslation();
  const sorted = [...requirements].sort((a, b) => Number(a.met) - Number(b.met));
  return (
    <List
      size="small"
      dataSource={sorted}
      renderItem={(r) => {
        const done = t(`requirement.${r.id}`, { defaultValue: r.description });
        const todo = r.task ? t("todo.task", { title: r.task.title ?? r.description }) : t(`todo.${r.id}`, { defaultValue: done });
        return (
          <List.Item data-requirement={r.id} data-met={r.met}>
            <span className="lt-requirement">
              {r.met ? (
                <CheckCircleTwoTone twoToneColor="#52c41a" aria-label={t("incident.done")} />
              ) : (
                <ExclamationCircleTwoTone twoToneColor="#faad14" aria-label={t("incident.open")} />
              )}
              {r.met ? <Typography.Text type="secondary">{done}</Typography.Text>
                : onGo ? <Button type="link" className="lt-todo" onClick={() => onGo(r)}>{todo}</Button>
                : <Typography.Text>{todo}</Typography.Text>}
            </span>
          </List.Item>
        );
      }}
    />
  );
}
